import type { ChildOutcome } from '@fanout/contracts';
import type { PlanRequest } from '../planner';

/** A task of a round that failed, as the synthesis names it. */
export interface FailedTask {
  taskId: string;
  tool: string;
  code: string;
  message: string;
}

/**
 * A round's outcome as the engine reports it: the results of its final tasks by
 * "<phase>.<task>", the failed ones named in the synthesis, `tasks` counted as used.
 */
export function outcome(
  round: number,
  result: Record<string, unknown>,
  failed: FailedTask[] = [],
): ChildOutcome {
  const succeeded = Object.keys(result).map((key) => ({
    taskId: key.replace('.', '/'),
    tool: 'tool',
    status: 'succeeded' as const,
    attempts: 1,
  }));
  const failures = failed.map(({ taskId, tool, code, message }) => ({
    taskId,
    tool,
    status: 'failed' as const,
    attempts: 1,
    error: { code, message, retryable: false },
  }));
  const tasks = [...succeeded, ...failures];
  const status = failures.length > 0 ? ('degraded' as const) : ('succeeded' as const);
  return {
    round,
    childWorkflowId: `child-${round}`,
    status,
    synthesis: {
      status,
      durationMs: 1,
      counts: {
        total: tasks.length,
        succeeded: succeeded.length,
        failed: failures.length,
        cancelled: 0,
        skipped: 0,
      },
      phases: [],
      omittedTasks: 0,
      tasks,
    },
    result,
    usage: { tasks: tasks.length, toolCalls: tasks.length, durationMs: 1, tokens: 0 },
  };
}

/** The request a specialist's planner gets, at `/srv/project`, after `rounds`. */
export function planRequest(
  specialist: string,
  goal: string,
  rounds: ChildOutcome[] = [],
  maxTasks?: number,
): PlanRequest {
  return {
    specialist,
    goal,
    context: { root: '/srv/project' },
    budget: maxTasks === undefined ? {} : { maxTasks },
    onParentEnd: 'cancel',
    rounds,
  };
}
