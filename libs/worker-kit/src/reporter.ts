import {
  ErrorCode,
  type Priority,
  type ReportTask,
  type TaskEnvelope,
  type TaskOutcome,
} from '@fanout/contracts';
import { BACKOFF, backoffDelay, MessageTooLargeError, sleep } from '@fanout/messaging';
import { ReportNotStoredError } from './errors';
import type { WorkerLogger } from './worker-options';

/**
 * What the reporter needs of the command bus; `CommandBus` from `@fanout/messaging` fits.
 * A port rather than the class, so tests and other transports can stand in.
 */
export interface ReportBus {
  publish(command: ReportTask, options: { priority: Priority }): Promise<unknown>;
}

/**
 * Sends `task.report` commands and makes sure each is stored: a full bus (`BusFullError`)
 * or a lost connection is retried with backoff for as long as the worker runs, never
 * dropped. Only a report the bus can never take (invalid, too large) or a worker past its
 * drain grace stops the retries, with {@link ReportNotStoredError}, and the caller gives
 * the task back instead of acking it.
 */
export class Reporter {
  constructor(
    private readonly bus: ReportBus,
    /** The `worker` field of every report: this instance. */
    private readonly worker: string,
    private readonly logger: WorkerLogger,
    /** Aborted when the worker's drain grace is over. */
    private readonly stopping: AbortSignal,
  ) {}

  /** Resolves once the report is stored on the bus (or was already: same command id). */
  async report(envelope: TaskEnvelope, outcome: TaskOutcome, commandId: string): Promise<void> {
    const command: ReportTask = {
      type: 'task.report',
      commandId,
      workflowId: envelope.workflowId,
      taskId: envelope.taskId,
      attempt: envelope.attempt,
      worker: this.worker,
      // The attempt's claim goes back with every report: the orchestrator takes none without.
      ...(envelope.claim === undefined ? {} : { claim: envelope.claim }),
      at: Date.now(),
      outcome,
    };
    for (let retry = 0; ; retry++) {
      try {
        await this.bus.publish(command, { priority: envelope.priority });
        if (retry > 0) this.logger.log(`report ${commandId} stored after ${retry} retries`);
        return;
      } catch (error) {
        if (isPermanent(error)) throw new ReportNotStoredError(commandId, true, { cause: error });
        if (this.stopping.aborted)
          throw new ReportNotStoredError(commandId, false, { cause: error });
        const delay = backoffDelay(BACKOFF.report, retry);
        this.logger.warn(
          `report ${commandId} was not accepted (${reasonOf(error)}); retry ${retry + 1} in ${delay} ms`,
        );
        try {
          await sleep(delay, this.stopping);
        } catch {
          throw new ReportNotStoredError(commandId, false, { cause: error });
        }
      }
    }
  }
}

/** A report that can never be stored: invalid, or larger than one message carries. */
export function isPermanent(error: unknown): boolean {
  return causes(error).some(
    (e) =>
      (e as { code?: unknown }).code === ErrorCode.InvalidMessage ||
      e instanceof MessageTooLargeError,
  );
}

/** Whether the error (or one of its causes) says the report was too large to send. */
export function isTooLarge(error: unknown): boolean {
  return causes(error).some((e) => e instanceof MessageTooLargeError);
}

function causes(error: unknown): Error[] {
  const chain: Error[] = [];
  for (let e = error; e instanceof Error && chain.length < 8; e = e.cause) chain.push(e);
  return chain;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
