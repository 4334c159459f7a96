import {
  ErrorCode,
  toFanoutError,
  type FanoutError,
  type TaskEnvelope,
  type TaskOutcome,
} from '@fanout/contracts';
import type { z } from 'zod';
import type { ToolRun } from './run-tool';

/** The report that ends an attempt. */
export type Terminal = Extract<TaskOutcome, { kind: 'succeeded' | 'failed' }>;

/**
 * The wire error of a run that did not return. When the worker aborted it, the abort's
 * reason is the error (CANCELLED, TIMEOUT), with what the tool threw as its cause; a tool
 * that failed on its own keeps its code and `retryable`, or is TOOL_FAILED without one.
 */
export function failureOf(run: ToolRun, reason: unknown): FanoutError {
  const thrown = run.status === 'threw' ? run.error : undefined;
  if (reason instanceof Error) {
    const error = toFanoutError(reason);
    return thrown === undefined || thrown === reason
      ? error
      : { ...error, cause: toFanoutError(thrown) };
  }
  return toFanoutError(thrown, ErrorCode.ToolFailed);
}

/** A failed report from a worker-side error. */
export function failed(error: Error, durationMs: number): Terminal {
  return { kind: 'failed', error: toFanoutError(error), durationMs };
}

/** `wf/phase/task#attempt`: how messages name an attempt. */
export function nameOf(envelope: TaskEnvelope): string {
  return `${envelope.workflowId}/${envelope.taskId}#${envelope.attempt}`;
}

/** Every problem zod found, each with its path, so the sender can fix all at once. */
export function problemsOf(error: z.ZodError, what: string): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || `(${what})`}: ${issue.message}`);
}
