import { toFanoutError } from '@fanout/contracts';
import { decodeTask, type DeadLetters, type DeadLetterSink } from '@fanout/messaging';
import { attemptKey, reportIds } from './report-ids';
import type { Reporter } from './reporter';
import type { TaskMessage } from './transport-types';

/**
 * Dead-letters a task that used up its deliveries (one that keeps killing its worker,
 * say) and then tells its workflow with a `failed` report, since the workflow would
 * otherwise wait for a report that never comes. If either step fails the consumer keeps
 * the message and tries again later; both are idempotent (same message id, same command id).
 */
export function reportingDeadLetterSink(
  deadLetters: DeadLetters,
  reporter: Reporter,
): DeadLetterSink {
  return async (message, exhaustion) => {
    await deadLetters.sink(message, exhaustion);
    let envelope;
    try {
      envelope = decodeTask(message);
    } catch {
      return; // not a task: the sink recorded it on the error channel
    }
    const commandId = reportIds.terminal(attemptKey(envelope), 'failed');
    const outcome = { kind: 'failed' as const, error: exhaustion.error, durationMs: 0 };
    await reporter.report(envelope, outcome, commandId);
  };
}

/**
 * The error-channel record of a message that is not a task envelope at all: nobody can be
 * told through a report, so it is kept here, with the start of its payload, before the
 * message is terminated.
 */
export function invalidTaskRecord(service: string, message: TaskMessage, error: unknown) {
  return {
    service,
    kind: 'invalid-task',
    at: Date.now(),
    error: toFanoutError(error),
    subject: message.subject,
    payload: new TextDecoder().decode(message.data.subarray(0, 4_096)),
  };
}
