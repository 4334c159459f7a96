import type { StageDecision } from '../shared/staged';
import type { NotDone, WorkflowDocument } from '@fanout/contracts';
import { MANIFESTS, NEEDS, READ_MANIFESTS, type Step } from './build-systems';
import type { OutputReference } from './output-lines';
import { runOf, type TestKnowledge } from './test-knowledge';

/** One round of the test specialist. */
export type TestStage =
  | { kind: 'detect'; reads: string[] }
  | { kind: 'step'; step: Step }
  | { kind: 'cite'; references: OutputReference[] };

export type TestDecision = StageDecision<TestStage>;

/** Every exit code: a failing step must still return its output, which is what is reported. */
const ANY_EXIT = Array.from({ length: 256 }, (_, code) => code);
/** A task waits this much longer than its command may run. */
const TASK_MARGIN_MS = 30_000;
const NO_TASKS = 'budget.maxTasks leaves no tasks for it';

/**
 * The next round: detect the build system, then its steps one round each in dependency
 * order (a step whose needs failed is skipped), then a read of the lines failures named.
 */
export function nextTestStage(knowledge: TestKnowledge, left: number): TestDecision {
  const notes: NotDone[] = [];
  if (!knowledge.project) {
    if (left < 1) return { notes: [{ what: 'detect the build system', why: NO_TASKS }] };
    const reads = READ_MANIFESTS.slice(0, Math.max(0, left - 1));
    for (const file of READ_MANIFESTS.slice(reads.length)) {
      notes.push({ what: `read ${file} (if present)`, why: NO_TASKS });
    }
    return { stage: { kind: 'detect', reads }, notes };
  }
  const system = knowledge.system;
  if (!system) return { notes };
  for (const step of system.steps) {
    if (runOf(knowledge, step.id)) continue;
    const failed = NEEDS[step.id].filter((need) => runOf(knowledge, need)?.ok === false);
    if (failed.length > 0) {
      notes.push({
        what: `run \`${step.command}\``,
        why: `it needs ${failed.join(' and ')}, which failed`,
      });
      continue;
    }
    if (left < 1) {
      notes.push({ what: `run \`${step.command}\``, why: NO_TASKS });
      continue;
    }
    return { stage: { kind: 'step', step }, notes };
  }
  const references = knowledge.runs.flatMap((run) => run.references);
  if (!knowledge.cited && references.length > 0) {
    if (left >= 1) return { stage: { kind: 'cite', references: references.slice(0, left) }, notes };
    notes.push({ what: 'read the lines the failures name', why: NO_TASKS });
  }
  return { notes };
}

export function testDocumentOf(stage: TestStage, root: string): WorkflowDocument {
  switch (stage.kind) {
    case 'detect':
      return oneRound('test-detect', 'detect', [
        { id: 'manifests', tool: 'code.glob', input: { root, patterns: MANIFESTS } },
        ...stage.reads.map((path, index) => ({
          id: `read${index}`,
          tool: 'code.read',
          input: { root, path },
        })),
      ]);
    case 'step':
      return oneRound(`test-${stage.step.id}`, stage.step.id, [
        {
          id: 'run',
          tool: 'bash.exec',
          timeoutMs: stage.step.timeoutMs + TASK_MARGIN_MS,
          // One try: a second run of a failed build says nothing new and takes as long.
          retry: { attempts: 1 },
          input: {
            command: stage.step.command,
            cwd: root,
            env: { CI: 'true' },
            timeoutMs: stage.step.timeoutMs,
            network: stage.step.network,
            okExitCodes: ANY_EXIT,
          },
        },
      ]);
    case 'cite':
      return oneRound(
        'test-cite',
        'cite',
        stage.references.map(({ path, line }, index) => ({
          id: `line${index}`,
          tool: 'code.read',
          input: { root, path, startLine: line, endLine: line },
        })),
      );
  }
}

type TaskDocument = WorkflowDocument['phases'][number]['tasks'][number];

function oneRound(name: string, phase: string, tasks: TaskDocument[]): WorkflowDocument {
  return { name, phases: [{ id: phase, barrier: { policy: 'degrade' }, tasks }] };
}
