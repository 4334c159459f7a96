import { ErrorCode, CodedError } from '@fanout/contracts';

// Errors a worker raises about a task attempt. Each carries the wire `code` and whether a
// retry may help, so `toFanoutError` turns it into exactly the report the engine needs.

/** A broadcast asked for the task to stop; retrying a cancelled task would defy the request. */
export class TaskCancelledError extends CodedError {
  readonly code = ErrorCode.Cancelled;
  readonly retryable = false;
  constructor(task: string, options?: ErrorOptions) {
    super(`task ${task} was cancelled by a broadcast`, options);
  }
}

/**
 * The attempt was stopped to free its slot for a p0 task: not a failure. The engine puts
 * the task back on its queue at once without counting the attempt as a try.
 */
export class PreemptedError extends CodedError {
  readonly code = ErrorCode.Preempted;
  readonly retryable = true;
  constructor(task: string, options?: ErrorOptions) {
    super(`task ${task} was stopped for a higher-priority task; it runs again`, options);
  }
}

/** The attempt ran past its envelope's deadline; a later attempt may well be faster. */
export class DeadlineExceededError extends CodedError {
  readonly code = ErrorCode.Timeout;
  readonly retryable = true;
  constructor(task: string, deadline: number, options?: ErrorOptions) {
    super(`task ${task} passed its deadline ${new Date(deadline).toISOString()}`, options);
  }
}

/**
 * The worker is shutting down and its grace period is over. Never reported as a failure:
 * the message goes back to the queue (nak) and another worker runs the same attempt.
 */
export class WorkerDrainingError extends CodedError {
  readonly code = 'WORKER_DRAINING';
  readonly retryable = true;
  constructor(instance: string, graceMs: number) {
    super(`worker ${instance} is draining and its grace period of ${graceMs} ms is over`);
  }
}

/** The input does not match the tool's contract: it never will, so no retry. */
export class InvalidToolInputError extends CodedError {
  readonly code = ErrorCode.InvalidInput;
  readonly retryable = false;
  constructor(
    task: string,
    tool: string,
    readonly problems: string[],
  ) {
    super(`input of ${tool} for task ${task} is invalid: ${problems.join('; ')}`);
  }
}

/** The tool returned something its contract does not allow: a bug in the tool, not bad luck. */
export class InvalidToolOutputError extends CodedError {
  readonly code = 'INVALID_OUTPUT';
  readonly retryable = false;
  constructor(
    task: string,
    tool: string,
    readonly problems: string[],
  ) {
    super(`${tool} returned an invalid result for task ${task}: ${problems.join('; ')}`);
  }
}

/** The envelope names another tool than the queue it came from: a dispatcher bug. */
export class WrongQueueError extends CodedError {
  readonly code = ErrorCode.InvalidMessage;
  readonly retryable = false;
  constructor(task: string, tool: string, queue: string) {
    super(`task ${task} is for tool ${tool} but arrived on the queue of ${queue}`);
  }
}

/** Streaming partial items failed (the data pipeline refused a batch); the run may succeed later. */
export class DataStreamError extends CodedError {
  readonly code = 'DATA_STREAM_FAILED';
  readonly retryable = true;
  constructor(task: string, options?: ErrorOptions) {
    super(`streaming the items of task ${task} to the data pipeline failed`, options);
  }
}

/**
 * A report could not be stored on the command bus and the worker stopped retrying (its
 * grace period ended, or the bus refused it for good). The message is then given back
 * rather than acked, so the attempt runs again instead of being lost.
 */
export class ReportNotStoredError extends CodedError {
  readonly code = 'REPORT_NOT_STORED';
  readonly retryable: boolean;
  constructor(
    readonly commandId: string,
    readonly permanent: boolean,
    options?: ErrorOptions,
  ) {
    const why = permanent ? 'the bus refused it for good' : 'the worker stopped retrying';
    super(`report ${commandId} was not stored: ${why}`, options);
    this.retryable = !permanent;
  }
}
