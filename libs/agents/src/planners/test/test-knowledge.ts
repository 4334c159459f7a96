import type { NotDone } from '@fanout/contracts';
import type { BuildSystem, Project, Step, StepId } from './build-systems';
import type { OutputReference } from './output-lines';

/** How a step ended: its exit code and output, or the tool's error when it could not run. */
export interface StepRun {
  step: Step;
  ok: boolean;
  exitCode?: number | null;
  output?: string;
  error?: string;
  references: OutputReference[];
}

/** What the test specialist knows after some rounds, rebuilt from them at every step. */
export interface TestKnowledge {
  root: string;
  project?: Project;
  system?: BuildSystem;
  runs: StepRun[];
  /** The cited lines' text, by `<path>:<line>`, once the cite round has read them. */
  cited?: Map<string, string>;
  notDone: NotDone[];
}

export function runOf(knowledge: TestKnowledge, id: StepId): StepRun | undefined {
  return knowledge.runs.find((run) => run.step.id === id);
}
