import type { Evidence, Finding, SpecialistAnswer } from '@fanout/contracts';
import type { Planner, PlanRequest, PlanStep } from '../../planner';
import { rootOf } from '../shared/context';
import { replayStages } from '../shared/staged';
import { distinctNotDone, quotedLine } from '../shared/outcomes';
import { makeTargets, scriptsOf } from './build-systems';
import { failureLines } from './output-lines';
import { absorbTest } from './test-absorb';
import type { StepRun, TestKnowledge } from './test-knowledge';
import { nextTestStage, testDocumentOf } from './test-stages';

const SPECIALIST = 'test';

/**
 * The test specialist, without a model: it detects the build system from the manifests at
 * the root, runs what that system offers — install, build, lint, test — one round each in
 * dependency order, reads the file lines a failure names, and reports each step with the
 * output lines that say why it failed. Like every template planner, it replays its own
 * decisions over the earlier rounds and keeps nothing between calls.
 */
export const testPlanner: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    return testStep(request);
  },
};

export function testStep(request: PlanRequest): PlanStep {
  const knowledge: TestKnowledge = { root: rootOf(request), runs: [], notDone: [] };
  const decision = replayStages(request, SPECIALIST, knowledge, {
    next: nextTestStage,
    absorb: absorbTest,
  });
  if (!decision.stage) return { answer: answerOf(knowledge), tokens: 0 };
  const plan = testDocumentOf(decision.stage, knowledge.root);
  return { plan, last: false, note: plan.name, tokens: 0 };
}

function answerOf(knowledge: TestKnowledge): SpecialistAnswer {
  const findings: Finding[] = [];
  const system = knowledge.system;
  if (system) {
    const offered = system.steps.map((step) => `${step.id}: \`${step.command}\``).join(', ');
    findings.push({
      specialist: SPECIALIST,
      claim: `The build system is ${system.name} (${system.manifest}); it offers ${offered || 'no step'}.`,
      evidence: declarationsOf(knowledge),
    });
  }
  for (const run of knowledge.runs) {
    if (run.output !== undefined) findings.push(stepFinding(knowledge, run));
  }
  const failed = knowledge.runs.filter((run) => !run.ok).map((run) => run.step.id);
  const passed = knowledge.runs.filter((run) => run.ok).map((run) => run.step.id);
  const summary = !system
    ? 'No build system was found at the root.'
    : `${system.name}: ${passed.length > 0 ? `${passed.join(', ')} passed` : 'nothing passed'}` +
      `${failed.length > 0 ? `; ${failed.join(', ')} failed` : ''}.`;
  return {
    specialist: SPECIALIST,
    planner: 'templates',
    summary,
    findings,
    notDone: distinctNotDone(knowledge.notDone),
  };
}

function stepFinding(knowledge: TestKnowledge, run: StepRun): Finding {
  const command = `\`${run.step.command}\``;
  if (run.ok)
    return { specialist: SPECIALIST, claim: `${command} succeeded (exit code 0).`, evidence: [] };
  const lines = failureLines(run.output ?? '', run.references);
  const evidence: Evidence[] = run.references.flatMap(({ path, line }) => {
    const text = knowledge.cited?.get(`${path}:${line}`);
    return text === undefined ? [] : [{ path, line, text: quotedLine(text) }];
  });
  const quoted = lines.map((line) => `"${quotedLine(line)}"`).join('; ');
  return {
    specialist: SPECIALIST,
    claim: `${command} failed with exit code ${run.exitCode ?? 'none'}: ${quoted || 'it wrote nothing'}.`,
    evidence,
  };
}

/** The manifest lines that declare the steps run: package.json scripts, Makefile targets. */
function declarationsOf(knowledge: TestKnowledge): Evidence[] {
  const evidence: Evidence[] = [];
  const cite = (path: string, matches: (line: string) => boolean) => {
    const text = knowledge.project?.texts.get(path);
    text?.split('\n').forEach((line, index) => {
      if (matches(line))
        evidence.push({ path, line: index + 1, text: quotedLine(line.replace(/\r$/, '')) });
    });
  };
  const ids = new Set<string>((knowledge.system?.steps ?? []).map((step) => step.id));
  if (knowledge.system?.manifest === 'package.json') {
    const scripts = Object.keys(scriptsOf(knowledge.project?.texts.get('package.json')));
    const declared = scripts.filter((name) => ids.has(name));
    cite('package.json', (line) =>
      declared.some((name) => line.trimStart().startsWith(`"${name}":`)),
    );
  }
  if (knowledge.system?.manifest === 'Makefile') {
    const targets = makeTargets(knowledge.project?.texts.get('Makefile'));
    cite('Makefile', (line) =>
      [...targets].some((target) => ids.has(target) && line.startsWith(`${target}:`)),
    );
  }
  return evidence;
}
