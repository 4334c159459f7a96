/**
 * What `fanout` exits with, so scripts can branch without parsing output:
 * 0 done, 1 the workflow or tool failed, 2 invalid input or usage, 3 infrastructure
 * unreachable (NATS refused, the bus full, no answer in time, no nats-server to embed).
 */
export const Exit = { ok: 0, failed: 1, usage: 2, infrastructure: 3 } as const;

/** One of the {@link Exit} codes. */
export type ExitCode = (typeof Exit)[keyof typeof Exit];

/** A mistake in how `fanout` was called: shown as a message, never as a stack trace. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Errors that are the user's or the infrastructure's, known by name (no import needed). */
const BY_NAME: Record<string, ExitCode> = {
  UsageError: Exit.usage,
  ValidationError: Exit.usage,
  ConnectionError: Exit.infrastructure,
  BusFullError: Exit.infrastructure,
  TimeoutError: Exit.infrastructure,
  NatsServerNotFoundError: Exit.infrastructure,
  DevNotReadyError: Exit.infrastructure,
  DeadLetterNotFoundError: Exit.usage,
  StreamMissingError: Exit.infrastructure,
  PermissionDeniedError: Exit.infrastructure,
};

/** Messages of ours for errors whose own words would not tell a user what to do. */
const SAID_BETTER: Record<string, string> = {
  StreamMissingError:
    'no Fanout streams on this NATS server under this subject prefix: are the services running here (fanout up), with the same --prefix?',
};

/** What to tell the user about an error: ours where we know better, else its own message. */
export function messageOf(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  return SAID_BETTER[name] ?? (error instanceof Error ? error.message : String(error));
}

/** The exit code for an error, and whether it is expected (printed without a stack). */
export function classify(error: unknown): { code: ExitCode; expected: boolean } {
  const name = error instanceof Error ? error.name : '';
  const code = BY_NAME[name];
  if (code !== undefined) return { code, expected: true };
  if ((error as NodeJS.ErrnoException)?.code === 'ENOENT')
    return { code: Exit.usage, expected: true };
  return { code: Exit.failed, expected: false };
}
