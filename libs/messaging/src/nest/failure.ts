import { FanoutError, toFanoutError } from '@fanout/contracts';

type Tagged = { message?: unknown; code?: unknown; retryable?: unknown };

/**
 * What a handler's own failure says about retrying: `true`/`false` when the thrown value
 * carries a boolean `retryable` (a Fanout error, a `RpcException` of a `FanoutError`, an
 * `Error` tagged by a tool), `undefined` when it says nothing, which callers treat as
 * "may succeed later".
 */
export function retryableOf(thrown: unknown): boolean | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const { retryable } = thrown as Tagged;
  return typeof retryable === 'boolean' ? retryable : undefined;
}

/**
 * The wire shape of anything a handler threw, including the plain objects Nest's exception
 * layer turns errors into (`{ status: 'error', message }`), which `toFanoutError` alone
 * would render as "[object Object]".
 */
export function failureOf(thrown: unknown): FanoutError {
  if (thrown instanceof Error || typeof thrown !== 'object' || thrown === null) {
    return toFanoutError(thrown);
  }
  const wire = FanoutError.safeParse(thrown);
  if (wire.success) return wire.data;
  const tagged = thrown as Tagged;
  const message = typeof tagged.message === 'string' ? tagged.message : describe(thrown);
  const error = Object.assign(new Error(message), {
    code: tagged.code,
    retryable: tagged.retryable,
  });
  return toFanoutError(error);
}

function describe(value: object): string {
  try {
    return JSON.stringify(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The start of a payload for an error record: at most 4 KB, decoded as UTF-8. */
export function payloadHead(data: Uint8Array): string {
  return new TextDecoder().decode(data.subarray(0, 4_096));
}
