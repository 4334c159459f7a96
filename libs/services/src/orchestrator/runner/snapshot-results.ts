import type { ChildOutcome } from '@fanout/contracts';
import { roundByReference, type WorkflowState } from '@fanout/workflow';
import type { RunnerPorts } from './ports';

/**
 * The state as a snapshot keeps it: results and inputs stored by reference are left out
 * (the Object Store has them), so a snapshot does not copy a large value again every time.
 */
export function withoutStoredResults(state: WorkflowState): WorkflowState {
  let tasks: WorkflowState['tasks'] | undefined;
  for (const [id, task] of Object.entries(state.tasks)) {
    const result = task.resultRef !== undefined && task.result !== undefined;
    const input = task.dispatchedInputRef !== undefined && task.dispatchedInput !== undefined;
    const rounds = task.rounds?.some((round) => roundByReference(round) !== round) ?? false;
    if (!result && !input && !rounds) continue;
    tasks ??= { ...state.tasks };
    tasks[id] = {
      ...task,
      ...(result ? { result: undefined } : {}),
      ...(input ? { dispatchedInput: undefined } : {}),
      ...(rounds ? { rounds: task.rounds?.map(roundByReference) } : {}),
    };
  }
  return tasks ? { ...state, tasks } : state;
}

/** Fetches back the results and inputs a snapshot left out, into the state. */
export async function restoreStoredResults(
  state: WorkflowState,
  results: Pick<RunnerPorts['results'], 'get'>,
): Promise<void> {
  for (const task of Object.values(state.tasks)) {
    const where = `the snapshot of ${state.workflowId} (task ${task.id})`;
    if (task.resultRef && task.result === undefined) {
      task.result = await results.get(task.resultRef, where);
    }
    if (task.dispatchedInputRef && task.dispatchedInput === undefined) {
      task.dispatchedInput = await results.get(task.dispatchedInputRef, where);
    }
    for (const round of task.rounds ?? []) {
      if (round.resultRef && round.result === undefined) {
        round.result = (await results.get(round.resultRef, where)) as ChildOutcome['result'];
      }
    }
  }
}
