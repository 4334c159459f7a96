import { CodedError, ErrorCode } from '@fanout/contracts';
import { natsConfigFromEnv, permissionDenied } from '@fanout/messaging';
import type { ValidationError as WorkflowProblem } from '@fanout/workflow';
import { formatErrors } from '@fanout/workflow';

/**
 * Re-exported so callers catch a full command bus, or a NATS server where no Fanout runs
 * (its streams missing), without depending on messaging.
 */
export { BusFullError, PermissionDeniedError, StreamMissingError } from '@fanout/messaging';

/**
 * The server's refusal anywhere in `error`'s cause chain as a `PermissionDeniedError`
 * naming the act, the subject and the credentials of `env` (what a client connects with);
 * any other error as it is.
 */
export function namingCredentials(error: unknown, env: NodeJS.ProcessEnv = process.env): unknown {
  try {
    return permissionDenied(error, natsConfigFromEnv(env)) ?? error;
  } catch {
    return error; // the settings are not readable: the refusal as it came
  }
}

/** One problem in a workflow document, with its path and, where known, line and column. */
export type Problem = WorkflowProblem;

/**
 * The workflow was refused before anything ran (locally, or by the orchestrator's
 * `WorkflowRejected`). It lists every problem with its place, so a user fixes them all at once.
 */
export class ValidationError extends CodedError {
  /**
   * `VALIDATION_FAILED`; `UNSCHEDULABLE` when the document is valid but a task asks more
   * than any worker of its tool's family can be given.
   */
  readonly code: string;
  readonly retryable = false;
  constructor(readonly errors: ReadonlyArray<Problem>) {
    const unschedulable =
      errors.length > 0 && errors.every((error) => error.code === ErrorCode.Unschedulable);
    super(
      `the workflow ${unschedulable ? 'cannot run' : 'is invalid'} (${errors.length} problem(s)):\n${formatErrors(errors)}`,
    );
    this.code = unschedulable ? ErrorCode.Unschedulable : 'VALIDATION_FAILED';
  }
}

/** Waiting for a workflow or a tool call took longer than the caller allowed; it may still run. */
export class TimeoutError extends CodedError {
  readonly code = 'TIMEOUT';
  readonly retryable = true;
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} did not finish within ${timeoutMs} ms (it may still be running)`);
  }
}

/** NATS could not be reached, so nothing was sent; the caller should check the URL or the server. */
export class ConnectionError extends CodedError {
  readonly code = 'CONNECTION_FAILED';
  readonly retryable = true;
  constructor(
    readonly servers: ReadonlyArray<string>,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach NATS at ${servers.join(', ')}: ${reason}`, options);
  }
}
