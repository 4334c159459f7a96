import type { CachedResult, StoredResults } from '@fanout/messaging';
import type { FanoutError, PayloadRef, TaskEnvelope, ToolContract } from '@fanout/contracts';
import { AttemptReports } from './attempt-reports';
import type { Cancellations } from './cancellations';
import {
  DataStreamError,
  DeadlineExceededError,
  InvalidToolInputError,
  InvalidToolOutputError,
  ReportNotStoredError,
  TaskCancelledError,
  WorkerDrainingError,
  WrongQueueError,
} from './errors';
import {
  intercept,
  type AttemptEnd,
  type AttemptInterceptor,
  type Disposition,
} from './interceptors/attempt-interceptor';
import { failed, failureOf, nameOf, problemsOf, type Terminal } from './outcomes';
import { isTooLarge, type Reporter } from './reporter';
import { ResultReuse, type ResultStore } from './result-reuse';
import { runTool, type ItemSink, type ToolRun } from './run-tool';
import { withRoundResults } from './stored-rounds';
import type { TaskMessage } from './transport-types';
import type { AnyTool, WorkerLogger, WorkerTiming } from './worker-options';

/** A streaming tool's data stream for one attempt; a `DataProducer` fits. */
export interface ItemStream extends ItemSink {
  close(): Promise<void>;
}

export type { Disposition } from './interceptors/attempt-interceptor';

/** What a {@link TaskRunner} works with: one tool, and the worker's shared parts. */
export interface TaskRunnerDeps {
  tool: string;
  run: AnyTool;
  contract: ToolContract;
  reporter: Reporter;
  cancellations: Cancellations;
  timing: WorkerTiming;
  logger: WorkerLogger;
  /** Aborted with a `WorkerDrainingError` when the drain grace is over. */
  stopping: AbortSignal;
  /** Reads the envelope; throws on an invalid one (`decodeTask`). */
  decode(message: TaskMessage): TaskEnvelope;
  /** Opens the data stream of one attempt (`DataPipeline.producer`). */
  openStream(task: Pick<TaskEnvelope, 'workflowId' | 'taskId' | 'attempt'>): ItemStream;
  /** Records a message that is not a task at all, before it is terminated. */
  recordInvalid(message: TaskMessage, error: unknown): Promise<void>;
  /** Results shared for reuse, for a tool whose contract allows it (`ToolContract.cache`). */
  results?: ResultStore;
  /**
   * Values too large for one message: a result too large for a report is kept here and
   * reported by reference; an input dispatched by reference is fetched from here.
   */
  stored: Pick<StoredResults, 'put' | 'get'>;
  /** What wraps every attempt, outermost first: tracing, metrics, a host's own. */
  interceptors: readonly AttemptInterceptor[];
}

/** Longest timer Node can set; a deadline further away is simply not timed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs one task message of one tool from delivery to ack: checks it, reports on it, runs
 * the tool under an abort signal (deadline, cancel broadcast, drain), streams its items,
 * reports the outcome and only then acks. A message is given back (nak) rather than acked
 * whenever its outcome could not be recorded, so a task is never lost, only run again.
 */
export class TaskRunner {
  /**
   * How to stop each attempt running here, for the end of the drain grace: one listener
   * on the worker's signal for them all, rather than one each, which the signal keeps in
   * a list it searches on every removal (hundreds deep in a full pool).
   */
  private readonly running = new Set<(reason: Error) => void>();

  constructor(private readonly deps: TaskRunnerDeps) {
    const { stopping } = deps;
    stopping.addEventListener(
      'abort',
      () => {
        for (const abort of this.running) abort(stopping.reason as Error);
      },
      { once: true },
    );
  }

  async handle(message: TaskMessage): Promise<Disposition> {
    let envelope: TaskEnvelope;
    try {
      envelope = this.deps.decode(message);
    } catch (error) {
      await this.deps.recordInvalid(message, error);
      // No reason on term: nats-server 2.9 ignores a +TERM that carries one and redelivers.
      message.term();
      this.deps.logger.error(
        `terminated invalid task message ${message.seq} on ${message.subject}`,
        error,
      );
      return 'terminated';
    }
    const call = { tool: this.deps.tool, message, envelope };
    const end = await intercept(this.deps.interceptors, call, () =>
      this.attempt(message, envelope),
    );
    return end.disposition;
  }

  private async attempt(message: TaskMessage, given: TaskEnvelope): Promise<AttemptEnd> {
    const reports = new AttemptReports(
      this.deps.reporter,
      given,
      this.deps.timing,
      this.deps.logger,
    );
    let envelope = given;
    try {
      const where = `the input of ${nameOf(given)}`;
      const input =
        given.inputRef && given.input === undefined
          ? await this.deps.stored.get(given.inputRef, where)
          : given.input;
      const whole = await withRoundResults(input, this.deps.stored, where);
      // A copy of the envelope only when its input was fetched or completed here.
      if (whole !== given.input) envelope = { ...given, input: whole };
    } catch (error) {
      return this.conclude(message, given, reports, failed(asError(error), 0));
    }
    const checked = this.check(envelope);
    if ('refused' in checked) {
      return this.conclude(message, envelope, reports, failed(checked.refused, 0));
    }
    const { cache } = this.deps.contract;
    const reuse =
      cache && this.deps.results
        ? new ResultReuse(this.deps.tool, cache, this.deps.results, this.deps.logger, checked.input)
        : undefined;
    const found = reuse ? await reuse.find() : undefined;
    // A result kept under an older contract that no longer fits it is run again, not sent.
    if (found && this.deps.contract.output.safeParse(found.result).success) {
      return this.replay(message, envelope, found, reports);
    }
    return this.execute(message, envelope, checked.input, reports, reuse);
  }

  /**
   * Answers with the result an equal call left, without running the tool: a streaming
   * tool's items go out again on this attempt's data stream first, so its readers see
   * what a run would have sent them.
   */
  private async replay(
    message: TaskMessage,
    envelope: TaskEnvelope,
    found: CachedResult,
    reports: AttemptReports,
  ): Promise<AttemptEnd> {
    const name = nameOf(envelope);
    const startedAt = performance.now();
    const stream = this.deps.contract.chunk ? this.deps.openStream(envelope) : undefined;
    let outcome: Terminal;
    try {
      if (stream && found.items.length > 0) await stream.push(...found.items);
      await stream?.close();
      const durationMs = Math.round(performance.now() - startedAt);
      outcome = { kind: 'succeeded', result: found.result, durationMs };
    } catch (error) {
      await this.closeQuietly(stream, name);
      const durationMs = Math.round(performance.now() - startedAt);
      outcome = failed(new DataStreamError(name, { cause: error }), durationMs);
    }
    return this.conclude(message, envelope, reports, outcome);
  }

  /** Everything that makes running pointless: wrong queue, cancelled, bad input, too late. */
  private check(envelope: TaskEnvelope): { input: unknown } | { refused: Error } {
    const { tool, contract, cancellations } = this.deps;
    const name = nameOf(envelope);
    if (envelope.tool !== tool) return { refused: new WrongQueueError(name, envelope.tool, tool) };
    if (cancellations.isCancelled(envelope.workflowId, envelope.taskId, envelope.attempt)) {
      return { refused: new TaskCancelledError(name) };
    }
    const parsed = contract.input.safeParse(envelope.input);
    if (!parsed.success) {
      return { refused: new InvalidToolInputError(name, tool, problemsOf(parsed.error, 'input')) };
    }
    if (envelope.deadline <= Date.now()) {
      return { refused: new DeadlineExceededError(name, envelope.deadline) };
    }
    return { input: parsed.data };
  }

  private async execute(
    message: TaskMessage,
    envelope: TaskEnvelope,
    input: unknown,
    reports: AttemptReports,
    reuse: ResultReuse | undefined,
  ): Promise<AttemptEnd> {
    const { workflowId, taskId, attempt } = envelope;
    const name = nameOf(envelope);
    const controller = new AbortController();
    const abort = (reason: Error) => controller.abort(reason);
    const untrack = this.deps.cancellations.track({
      workflowId,
      taskId,
      attempt,
      abort,
      tool: this.deps.tool,
      preemptible: envelope.preemptible ?? this.deps.contract.preemptible === true,
      priority: envelope.priority,
      startedAt: Date.now(),
    });
    // A cancel that came between the check and the tracking would otherwise miss this run.
    if (this.deps.cancellations.isCancelled(workflowId, taskId, attempt)) {
      abort(new TaskCancelledError(name));
    }
    if (this.deps.stopping.aborted) abort(this.deps.stopping.reason as Error);
    else this.running.add(abort);
    const untilDeadline = envelope.deadline - Date.now();
    const deadline =
      untilDeadline <= MAX_TIMER_MS
        ? setTimeout(() => abort(new DeadlineExceededError(name, envelope.deadline)), untilDeadline)
        : undefined;
    let stream: ItemStream | undefined;
    const openSink = (): ItemSink => {
      const opened = this.deps.openStream(envelope);
      stream = opened;
      return {
        push: async (...items) => {
          reuse?.saw(items);
          try {
            await opened.push(...items);
          } catch (error) {
            throw new DataStreamError(name, { cause: error });
          }
        },
      };
    };
    const startedAt = performance.now();
    reports.begin();
    let run: ToolRun;
    try {
      const ctx = { signal: controller.signal, workflowId, taskId, attempt };
      run = await runTool(this.deps.run, input, ctx, openSink, this.deps.timing.abortGraceMs);
    } finally {
      clearTimeout(deadline);
      untrack();
      this.running.delete(abort);
    }
    const durationMs = Math.round(performance.now() - startedAt);
    const reason: unknown = controller.signal.reason;
    if (run.status === 'abandoned') {
      this.deps.logger.warn(
        `${this.deps.tool} did not stop within ${this.deps.timing.abortGraceMs} ms of the abort of task ${name}; its slot is freed though it may still run`,
      );
    }
    if (run.status !== 'returned' && reason instanceof WorkerDrainingError) {
      // Not a failure of the task: the next worker runs this very attempt. The stream is
      // left open, so readers wait for that run's batches instead of ending here.
      reports.stop();
      message.nak();
      this.deps.logger.log(`gave task ${name} back to the queue: ${reason.message}`);
      return { disposition: 'returned' };
    }
    const outcome = await this.outcomeOf(run, reason, name, durationMs, stream);
    if (outcome.kind === 'succeeded') await reuse?.keep(outcome.result);
    return this.conclude(message, envelope, reports, outcome);
  }

  /** The terminal report of a run, after the data stream is closed (readers end there). */
  private async outcomeOf(
    run: ToolRun,
    reason: unknown,
    name: string,
    durationMs: number,
    stream: ItemStream | undefined,
  ): Promise<Terminal> {
    if (run.status === 'returned') {
      const output = this.deps.contract.output.safeParse(run.value);
      if (!output.success) {
        const problems = problemsOf(output.error, 'result');
        await this.closeQuietly(stream, name);
        return failed(new InvalidToolOutputError(name, this.deps.tool, problems), durationMs);
      }
      try {
        await stream?.close();
      } catch (error) {
        return failed(new DataStreamError(name, { cause: error }), durationMs);
      }
      return { kind: 'succeeded', result: output.data, durationMs };
    }
    await this.closeQuietly(stream, name);
    return { kind: 'failed', error: failureOf(run, reason), durationMs };
  }

  /**
   * Reports the outcome, then acks; gives the message back if the report cannot be stored.
   * A result too large for a report is stored and reported by reference; an error too
   * large for one is reported without its details.
   */
  private async conclude(
    message: TaskMessage,
    envelope: TaskEnvelope,
    reports: AttemptReports,
    outcome: Terminal,
  ): Promise<AttemptEnd> {
    const name = nameOf(envelope);
    try {
      await reports.finish(outcome);
    } catch (error) {
      if (isTooLarge(error) && outcome.kind === 'succeeded' && !outcome.resultRef) {
        let resultRef: PayloadRef;
        try {
          resultRef = await this.deps.stored.put(envelope, outcome.result);
        } catch (storeError) {
          message.nak();
          this.deps.logger.warn(
            `gave task ${name} back to the queue: its result could not be stored (${String(storeError)})`,
          );
          return { disposition: 'returned' };
        }
        const { durationMs } = outcome;
        return this.conclude(message, envelope, reports, {
          kind: 'succeeded',
          result: undefined,
          resultRef,
          durationMs,
        });
      }
      if (isTooLarge(error) && outcome.kind === 'failed' && hasDetails(outcome.error)) {
        return this.conclude(message, envelope, reports, {
          ...outcome,
          error: withoutDetails(outcome.error),
        });
      }
      if (error instanceof ReportNotStoredError && !error.permanent) {
        message.nak();
        this.deps.logger.warn(`gave task ${name} back to the queue: ${error.message}`);
        return { disposition: 'returned' };
      }
      throw error; // the consumer naks with backoff and, in the end, dead-letters it
    }
    message.ack();
    return { disposition: 'acked', outcome };
  }

  private async closeQuietly(stream: ItemStream | undefined, name: string): Promise<void> {
    try {
      await stream?.close();
    } catch (error) {
      this.deps.logger.warn(
        `closing the data stream of failed task ${name} failed: ${String(error)}`,
      );
    }
  }
}

function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

function hasDetails(error: FanoutError): boolean {
  return error.details !== undefined || (error.cause !== undefined && hasDetails(error.cause));
}

/** The error chain without its details: what is left when they made the report too large. */
function withoutDetails(error: FanoutError): FanoutError {
  const { details: _dropped, cause, ...rest } = error;
  return {
    ...rest,
    ...(error.details
      ? { message: `${rest.message} (details too large to report, left out)` }
      : {}),
    ...(cause ? { cause: withoutDetails(cause) } : {}),
  };
}
