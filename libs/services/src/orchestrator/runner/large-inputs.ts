import type { WorkflowEvent } from '@fanout/contracts';
import type { WorkflowState } from '@fanout/workflow';
import type { RunnerPorts } from './ports';

/**
 * Dispatches whose resolved input is too large for one message (a reference to a large
 * result, say) keep the input in the Object Store and carry `inputRef` instead: the log
 * and the task envelope then stay small, and the worker and any replay fetch it back.
 * The engine's state already holds the value; it is told the reference too, as a replay
 * of the log would tell it. Half a message is the limit, leaving room for the rest.
 */
export async function storeLargeInputs(
  events: WorkflowEvent[],
  state: WorkflowState,
  ports: Pick<RunnerPorts, 'results' | 'maxBodyBytes'>,
): Promise<WorkflowEvent[]> {
  const limit = ports.maxBodyBytes / 2;
  const stored: WorkflowEvent[] = [];
  for (const event of events) {
    if (event.type !== 'TaskDispatched' || event.inputRef || !isLarger(event.input, limit)) {
      stored.push(event);
      continue;
    }
    const inputRef = await ports.results.put(event, event.input, 'input');
    const task = state.tasks[event.taskId];
    if (task?.attempt === event.attempt) task.dispatchedInputRef = inputRef;
    stored.push({ ...event, inputRef });
  }
  return stored;
}

function isLarger(value: unknown, bytes: number): boolean {
  const text = JSON.stringify(value) ?? '';
  return text.length > bytes || Buffer.byteLength(text) > bytes;
}
