import { CodedError } from '@fanout/contracts';
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
  /** The command ended with an exit code not in `okExitCodes`, or by a signal. */
  ExitNonZero: 'EXIT_NONZERO',
  /** The command ran past the call's `timeoutMs` and was ended. */
  Timeout: 'TIMEOUT',
  /**
   * The kernel's OOM killer killed the command (a process of it) when the commands of its
   * family went over the family's memory share; not retryable, as the same command needs
   * the same memory.
   */
  OutOfMemory: 'OUT_OF_MEMORY',
} as const;

export type ShellErrorCode = (typeof ShellErrorCode)[keyof typeof ShellErrorCode];

/**
 * Codes where trying the same call again may work: the failure was the host's, not the
 * call's, or a slow run may be faster next time. A command that failed is not among them:
 * the same command in the same tree fails the same way.
 */
const RETRYABLE: ReadonlySet<ShellErrorCode> = new Set([
  ShellErrorCode.SpawnFailed,
  ShellErrorCode.Timeout,
]);

/**
 * An Error with the properties `toFanoutError` reads (`code`, `retryable`, `details`), so a
 * throw here arrives on the wire with its own code instead of a generic `INTERNAL`.
 * `retryable` follows the code: a refused or malformed command stays refused on every
 * attempt.
 */
export class ShellError extends CodedError {
  readonly retryable: boolean;
  readonly details?: Record<string, unknown>;

  constructor(
    readonly code: ShellErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean; details?: Record<string, unknown> },
  ) {
    super(message, options);
    this.retryable = options?.retryable ?? RETRYABLE.has(code);
    if (options?.details) this.details = options.details;
  }
}
