import { CodedError } from '@fanout/contracts';
/**
 * The codes this library throws. Each maps one-to-one onto the wire's `FanoutError.code`
 * through `toFanoutError`, so a caller can branch on what went wrong without parsing text.
 */
export const CodebaseErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  PathOutsideRoot: 'PATH_OUTSIDE_ROOT',
  NotFound: 'NOT_FOUND',
  BinaryFile: 'BINARY_FILE',
  Cancelled: 'CANCELLED',
  ToolFailed: 'TOOL_FAILED',
} as const;

export type CodebaseErrorCode = (typeof CodebaseErrorCode)[keyof typeof CodebaseErrorCode];

/**
 * An Error carrying the two properties `toFanoutError` reads (`code`, `retryable`), so a
 * throw here arrives on the wire with its code instead of a generic `INTERNAL`. Every
 * error of these tools is a property of the input or the tree, so a retry never helps.
 */
export class CodebaseError extends CodedError {
  readonly retryable = false;

  constructor(
    readonly code: CodebaseErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown when `signal` has been aborted: a cancelled call ends with `CANCELLED`, never a result. */
export function throwIfCancelled(signal: AbortSignal, what: string): void {
  if (signal.aborted) {
    throw new CodebaseError(CodebaseErrorCode.Cancelled, `${what} was cancelled`, {
      cause: signal.reason,
    });
  }
}
