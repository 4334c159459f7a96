import { BashExec, CodeGlob, CodeRead, type ChildOutcome } from '@fanout/contracts';
import { failuresIn, resultIn } from '../shared/outcomes';
import { detect } from './build-systems';
import { outputReferences } from './output-lines';
import type { TestKnowledge } from './test-knowledge';
import type { TestStage } from './test-stages';

/** File references cited per failed step at most. */
const REFERENCES_PER_STEP = 8;

/** Adds a round's results to what the test specialist knows. */
export function absorbTest(knowledge: TestKnowledge, stage: TestStage, round: ChildOutcome): void {
  switch (stage.kind) {
    case 'detect': {
      const found = resultIn(round, 'detect', 'manifests', CodeGlob.output);
      const manifests = new Set(found?.files ?? []);
      const texts = new Map<string, string>();
      stage.reads.forEach((path, index) => {
        const read = resultIn(round, 'detect', `read${index}`, CodeRead.output);
        if (read) texts.set(path, read.content);
      });
      // A manifest that is not there cannot be read: only the failures that matter are kept.
      const failures = failuresIn(round, (taskId) => describeDetect(stage, taskId));
      knowledge.notDone.push(
        ...failures.filter(
          (failure) =>
            !stage.reads.some((path) => failure.what === `read ${path}` && !manifests.has(path)),
        ),
      );
      knowledge.project = { manifests, texts };
      knowledge.system = detect(knowledge.project);
      if (!knowledge.system) {
        knowledge.notDone.push({
          what: 'install, build, lint and test',
          why: `none of ${['package.json', 'Cargo.toml', 'go.mod', 'pyproject.toml', 'setup.py', 'requirements.txt', 'Makefile'].join(', ')} is at the root`,
        });
      }
      for (const { id, why } of knowledge.system?.missing ?? []) {
        knowledge.notDone.push({ what: `the ${id} step`, why });
      }
      return;
    }
    case 'step': {
      const output = resultIn(round, stage.step.id, 'run', BashExec.output);
      if (!output) {
        const [failure] = failuresIn(round, () => `run \`${stage.step.command}\``);
        const error = failure?.why ?? 'the task left no result';
        knowledge.notDone.push({ what: `run \`${stage.step.command}\``, why: error });
        knowledge.runs.push({ step: stage.step, ok: false, error, references: [] });
        return;
      }
      const text = [output.stdout, output.stderr].filter(Boolean).join('\n');
      const ok = output.exitCode === 0;
      const references = ok ? [] : outputReferences(text, knowledge.root, REFERENCES_PER_STEP);
      knowledge.runs.push({
        step: stage.step,
        ok,
        exitCode: output.exitCode,
        output: text,
        references,
      });
      return;
    }
    case 'cite': {
      const cited = new Map<string, string>();
      stage.references.forEach(({ path, line }, index) => {
        const read = resultIn(round, 'cite', `line${index}`, CodeRead.output);
        const text = read?.content.split('\n')[0]?.replace(/\r$/, '');
        if (read && read.startLine === line && text !== undefined)
          cited.set(`${path}:${line}`, text);
      });
      knowledge.notDone.push(
        ...failuresIn(round, (taskId) => {
          const index = Number(/line(\d+)$/.exec(taskId)?.[1]);
          const reference = stage.references[index];
          return reference ? `cite ${reference.path}:${reference.line}` : taskId;
        }),
      );
      knowledge.cited = cited;
      return;
    }
  }
}

function describeDetect(stage: Extract<TestStage, { kind: 'detect' }>, taskId: string): string {
  const index = Number(/read(\d+)$/.exec(taskId)?.[1]);
  const path = stage.reads[index];
  return path ? `read ${path}` : 'list the manifests at the root (code.glob)';
}
