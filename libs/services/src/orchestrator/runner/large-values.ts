import type { Command, WorkflowEvent } from '@fanout/contracts';
import type { WorkflowState } from '@fanout/workflow';
import type { RunnerPorts } from './ports';

type Ports = Pick<RunnerPorts, 'results' | 'maxBodyBytes'>;

/**
 * Values too large for one message go to the Object Store and travel by reference: a
 * dispatch's resolved input (a reference to a large result, say) as `inputRef`, a result the
 * engine composed (an agent's answer with its rounds) as `resultRef`. The log and the task
 * envelope then stay small; the worker and any replay fetch the value back. The engine's
 * state already holds the value; it is told the reference too, as a replay would tell it.
 * Half a message is the limit, leaving room for the rest of the event.
 */
export async function storeLargeValues(
  events: WorkflowEvent[],
  state: WorkflowState,
  ports: Ports,
): Promise<WorkflowEvent[]> {
  const limit = ports.maxBodyBytes / 2;
  const stored: WorkflowEvent[] = [];
  for (const event of events) {
    const task = state.tasks[(event as { taskId?: string }).taskId ?? ''];
    if (event.type === 'TaskDispatched' && !event.inputRef && isLarger(event.input, limit)) {
      const inputRef = await ports.results.put(event, event.input, 'input');
      if (task?.attempt === event.attempt) task.dispatchedInputRef = inputRef;
      stored.push({ ...event, inputRef });
    } else if (
      event.type === 'TaskSucceeded' &&
      !event.resultRef &&
      isLarger(event.result, limit)
    ) {
      const resultRef = await ports.results.put(event, event.result);
      if (task) task.resultRef = resultRef;
      stored.push({ ...event, resultRef });
    } else {
      stored.push(event);
    }
  }
  return stored;
}

/**
 * A round's results inline up to this size; larger ones are stored apart. Every later
 * attempt of the agent task carries all its earlier rounds, so a round sent inline travels
 * again with each of them: a tree's structure or import graph, megabytes, nine times over.
 * Stored once and sent by reference, each attempt carries a few bytes per round instead,
 * and the agent worker fetches each round once (it keeps what it fetched).
 */
export const ROUND_INLINE_BYTES = 16_384;

/**
 * The report a child sends its agent task when it ended, with the results of its final
 * tasks stored by reference when they are larger than {@link ROUND_INLINE_BYTES}.
 */
export async function fitChildReport(command: Command, ports: Ports): Promise<Command> {
  if (command.type !== 'task.report' || command.outcome.kind !== 'child-ended') return command;
  const { outcome } = command;
  const inline = Math.min(ROUND_INLINE_BYTES, ports.maxBodyBytes / 2);
  if (outcome.outcome.resultRef || !isLarger(outcome.outcome.result, inline)) return command;
  const resultRef = await ports.results.put(command, outcome.outcome.result, 'outcome');
  const { result: _inline, ...rest } = outcome.outcome;
  return { ...command, outcome: { kind: 'child-ended', outcome: { ...rest, resultRef } } };
}

function isLarger(value: unknown, bytes: number): boolean {
  const text = JSON.stringify(value) ?? '';
  return text.length > bytes || Buffer.byteLength(text) > bytes;
}
