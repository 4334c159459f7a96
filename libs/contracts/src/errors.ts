import { z } from 'zod';
import { named } from './registry';

/**
 * The one error shape on the wire. `retryable` is the sender's judgement of whether the
 * same call could succeed later (a timeout, a 503) or never will (bad input, a refusal);
 * the engine retries only the former. `cause` keeps the chain so the root is never lost.
 */
export interface FanoutError {
  /** UPPER_SNAKE code that programs branch on, e.g. `TIMEOUT`, `INVALID_INPUT`. */
  code: string;
  /** A sentence for people: what went wrong and, where known, where. */
  message: string;
  retryable: boolean;
  cause?: FanoutError;
  details?: Record<string, unknown>;
}

export const FanoutError: z.ZodType<FanoutError> = named(
  'FanoutError',
  'An error with a machine-readable code, a human message, whether a retry may help, and its cause chain.',
  z.object({
    code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an UPPER_SNAKE code'),
    message: z.string(),
    retryable: z.boolean(),
    get cause() {
      return FanoutError.optional();
    },
    details: z.record(z.string(), z.unknown()).optional(),
  }),
);

/**
 * The base of every error Fanout throws: the code programs branch on and whether a retry
 * may help — the two things `toFanoutError` reads — with the class's own name as `name`.
 */
export abstract class CodedError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Codes the services themselves raise; tools may add their own. */
export const ErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  InvalidMessage: 'INVALID_MESSAGE',
  UnknownTool: 'UNKNOWN_TOOL',
  Timeout: 'TIMEOUT',
  HeartbeatTimeout: 'HEARTBEAT_TIMEOUT',
  Cancelled: 'CANCELLED',
  BusFull: 'BUS_FULL',
  BudgetExceeded: 'BUDGET_EXCEEDED',
  /** A task asks more than any worker of its tool's family can be given. */
  Unschedulable: 'UNSCHEDULABLE',
  /** An instance said nothing for the failure window (15 s): it is taken for dead. */
  InstanceSilent: 'INSTANCE_SILENT',
  /** An attempt stopped for a higher-priority task; it runs again and does not count as a try. */
  Preempted: 'PREEMPTED',
  /** The bus refused a publish or subscription: the credentials do not allow that subject. */
  PermissionDenied: 'PERMISSION_DENIED',
  /** An agent's child workflow may not start: too deep, over the budget, or not valid. */
  ChildRefused: 'CHILD_REFUSED',
  /** An agent's child workflow failed or was cancelled. */
  ChildFailed: 'CHILD_FAILED',
  /** A report without the claim of the attempt it names (`FANOUT_REPORT_KEY` set): not taken. */
  ReportNotHeld: 'REPORT_NOT_HELD',
  PathOutsideRoot: 'PATH_OUTSIDE_ROOT',
  DeniedByPolicy: 'DENIED_BY_POLICY',
  ToolFailed: 'TOOL_FAILED',
  Internal: 'INTERNAL',
} as const;

/**
 * Turns anything thrown into the wire shape, following `Error.cause` so the chain survives
 * the trip across processes. Depth is bounded so a cyclic cause cannot hang the sender.
 * A thrown error's `details`, when a plain object, travels too (what a failed command
 * printed, say), so the reader gets more than the sentence.
 */
export function toFanoutError(
  thrown: unknown,
  fallbackCode: string = ErrorCode.Internal,
  depth = 0,
): FanoutError {
  if (isFanoutError(thrown)) return thrown;
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const tagged = error as Error & { code?: unknown; retryable?: unknown; details?: unknown };
  const code =
    typeof tagged.code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(tagged.code)
      ? tagged.code
      : fallbackCode;
  const result: FanoutError = {
    code,
    message: error.message || error.name,
    retryable: typeof tagged.retryable === 'boolean' ? tagged.retryable : false,
  };
  if (isPlainObject(tagged.details)) result.details = { ...tagged.details };
  if (error.cause !== undefined && depth < 8) {
    result.cause = toFanoutError(error.cause, ErrorCode.Internal, depth + 1);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isFanoutError(value: unknown): value is FanoutError {
  return FanoutError.safeParse(value).success && !(value instanceof Error);
}
