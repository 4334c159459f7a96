/**
 * The codes this library throws. Each reaches the wire's `FanoutError.code` through
 * `toFanoutError` unchanged, so a caller branches on what went wrong, not on the text.
 */
export const ShellErrorCode = {
  InvalidInput: 'INVALID_INPUT',
  InvalidPolicy: 'INVALID_POLICY',
  DeniedByPolicy: 'DENIED_BY_POLICY',
  NeedsApproval: 'NEEDS_APPROVAL',
  SandboxUnavailable: 'SANDBOX_UNAVAILABLE',
  SpawnFailed: 'SPAWN_FAILED',
  Cancelled: 'CANCELLED',
} as const;

export type ShellErrorCode = (typeof ShellErrorCode)[keyof typeof ShellErrorCode];

/** Codes where trying the same call again may work: the failure was the host's, not the call's. */
const RETRYABLE: ReadonlySet<ShellErrorCode> = new Set([ShellErrorCode.SpawnFailed]);

/**
 * An Error with the two properties `toFanoutError` reads (`code`, `retryable`), so a throw
 * here arrives on the wire with its own code instead of a generic `INTERNAL`. `retryable`
 * follows the code: a refused or malformed command stays refused on every attempt.
 */
export class ShellError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly code: ShellErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options);
    this.name = 'ShellError';
    this.retryable = options?.retryable ?? RETRYABLE.has(code);
  }
}
