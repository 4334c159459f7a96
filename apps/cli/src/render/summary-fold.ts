import type { TaskStatus, WorkflowSynthesis } from '@fanout/contracts';

/** One task as the synthesis lists it. */
export type TaskLine = WorkflowSynthesis['tasks'][number];

/** How many tasks of one phase or tool ended each way. */
export type StatusCounts = { name: string; total: number } & Record<TaskStatus, number>;

/** The end of a run folded for a person: counts by phase and tool, failures, the slowest. */
export interface SummaryFold {
  phases: StatusCounts[];
  tools: StatusCounts[];
  /** Every listed task that failed, in the synthesis' order. */
  failures: TaskLine[];
  /** The longest-running listed tasks, longest first. */
  slowest: TaskLine[];
  /** Tasks the synthesis left out (succeeded ones first): in the totals, not in the rows. */
  omitted: number;
}

/** How many of the slowest tasks a summary names. */
export const SLOWEST = 5;

/** The phase a task belongs to: its id up to the first `/` (`read/each/3` is in `read`). */
function phaseOf(taskId: string): string {
  const slash = taskId.indexOf('/');
  return slash < 0 ? taskId : taskId.slice(0, slash);
}

/** Folds a finished workflow's synthesis into what its summary shows; pure. */
export function foldSummary(synthesis: WorkflowSynthesis, slowest = SLOWEST): SummaryFold {
  // Phases in the workflow's order, even one whose every task was left out of the list.
  const phases = new Map(synthesis.phases.map((phase) => [phase.phaseId, counts(phase.phaseId)]));
  const tools = new Map<string, StatusCounts>();
  for (const task of synthesis.tasks) {
    const phase = phaseOf(task.taskId);
    add(phases.get(phase) ?? phases.set(phase, counts(phase)).get(phase), task.status);
    add(
      tools.get(task.tool) ?? tools.set(task.tool, counts(task.tool)).get(task.tool),
      task.status,
    );
  }
  const timed = synthesis.tasks.filter((task) => task.durationMs !== undefined);
  return {
    phases: [...phases.values()],
    tools: [...tools.values()].sort((a, b) => a.name.localeCompare(b.name)),
    failures: synthesis.tasks.filter((task) => task.status === 'failed'),
    slowest: timed
      .sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0))
      .slice(0, Math.max(0, slowest)),
    omitted: synthesis.omittedTasks,
  };
}

function counts(name: string): StatusCounts {
  return { name, total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
}

function add(into: StatusCounts | undefined, status: TaskStatus): void {
  if (!into) return;
  into.total += 1;
  into[status] += 1;
}
