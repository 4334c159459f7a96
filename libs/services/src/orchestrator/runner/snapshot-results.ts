import type { WorkflowState } from '@fanout/workflow';
import type { RunnerPorts } from './ports';

/**
 * The state as a snapshot keeps it: results stored by reference are left out (the
 * Object Store has them), so a snapshot does not copy a large result again every time.
 */
export function withoutStoredResults(state: WorkflowState): WorkflowState {
  let tasks: WorkflowState['tasks'] | undefined;
  for (const [id, task] of Object.entries(state.tasks)) {
    if (!task.resultRef || task.result === undefined) continue;
    tasks ??= { ...state.tasks };
    tasks[id] = { ...task, result: undefined };
  }
  return tasks ? { ...state, tasks } : state;
}

/** Fetches back the results a snapshot left out, into the state. */
export async function restoreStoredResults(
  state: WorkflowState,
  results: RunnerPorts['results'],
): Promise<void> {
  for (const task of Object.values(state.tasks)) {
    if (!task.resultRef || task.result !== undefined) continue;
    const where = `the snapshot of ${state.workflowId} (task ${task.id})`;
    task.result = await results.get(task.resultRef, where);
  }
}
