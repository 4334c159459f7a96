import type { OutcomeStatus, TaskStatus, WorkflowSynthesis } from '@fanout/contracts';
import type { TaskState, WorkflowState } from './state';

/**
 * Above this many tasks the summary lists only the ones that did not succeed (and as
 * many succeeded ones as fit), so that the completion event stays well inside one
 * message; every task's own terminal event is in the log all the same.
 */
export const SYNTHESIS_TASK_LIMIT = 1_000;

/**
 * The summary of a finished workflow. A forEach template that fanned out is represented
 * by its copies; every other task appears once, with its one terminal status.
 */
export function synthesize(
  state: WorkflowState,
  status: OutcomeStatus,
  now: number,
): WorkflowSynthesis {
  const counts = { total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 };
  const tasks: WorkflowSynthesis['tasks'] = [];
  for (const id of state.taskOrder) {
    const task = state.tasks[id]!;
    if (task.isTemplate && (task.children?.length ?? 0) > 0) continue;
    const taskStatus = terminalStatus(task);
    counts.total += 1;
    counts[taskStatus] += 1;
    const duration =
      task.durationMs ??
      (task.finishedAt !== undefined && task.firstDispatchedAt !== undefined
        ? task.finishedAt - task.firstDispatchedAt
        : undefined);
    tasks.push({
      taskId: id,
      tool: task.tool,
      status: taskStatus,
      attempts: task.attempt,
      ...(duration === undefined ? {} : { durationMs: duration }),
      ...(task.error && taskStatus !== 'succeeded' ? { error: task.error } : {}),
    });
  }
  let omittedTasks = 0;
  if (tasks.length > SYNTHESIS_TASK_LIMIT) {
    const unsuccessful = tasks.filter((task) => task.status !== 'succeeded');
    const room = Math.max(0, SYNTHESIS_TASK_LIMIT - unsuccessful.length);
    const succeeded = tasks.filter((task) => task.status === 'succeeded').slice(0, room);
    omittedTasks = tasks.length - unsuccessful.length - succeeded.length;
    tasks.splice(0, tasks.length, ...unsuccessful.slice(0, SYNTHESIS_TASK_LIMIT), ...succeeded);
  }
  const phases = state.phaseOrder.map((id) => {
    const phase = state.phases[id]!;
    return { phaseId: id, status: phase.status as OutcomeStatus, missing: phase.missing };
  });
  return {
    status,
    durationMs: now - (state.acceptedAt ?? now),
    counts,
    phases,
    omittedTasks,
    tasks,
  };
}

function terminalStatus(task: TaskState): TaskStatus {
  switch (task.status) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
    case 'skipped':
      return task.status;
    default:
      // Only reachable for a workflow summarised before it settled; report it as not run.
      return 'skipped';
  }
}
