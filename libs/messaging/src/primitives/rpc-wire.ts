import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { FanoutError } from '@fanout/contracts';

/**
 * The header that marks a reply as a failure: its value is the error's code and the body
 * is the `FanoutError` as JSON. A success reply is the result as JSON, with no such header
 * (an empty body for a handler that returns nothing). Any NATS client can read this.
 */
export const ERROR_HEADER = 'Fanout-Error';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a value as JSON bytes; `undefined` becomes the empty payload. */
export function encodeJson(value: unknown): Uint8Array {
  const text = JSON.stringify(value);
  return text === undefined ? new Uint8Array(0) : encoder.encode(text);
}

/** Decodes JSON bytes; the empty payload is `undefined`. Throws on text that is not JSON. */
export function decodeJson(data: Uint8Array): unknown {
  return data.length === 0 ? undefined : JSON.parse(decoder.decode(data));
}

/** The headers of a failure reply. */
export function errorHeaders(error: FanoutError, into: MsgHdrs = natsHeaders()): MsgHdrs {
  into.set(ERROR_HEADER, error.code);
  return into;
}

/** Reads a reply: the result, or the remote `FanoutError` when the reply is a failure. */
export function readReply(
  subject: string,
  reply: Msg,
): { ok: true; value: unknown } | { ok: false; error: FanoutError } {
  if (!reply.headers?.has(ERROR_HEADER)) return { ok: true, value: decodeJson(reply.data) };
  const parsed = FanoutError.safeParse(decodeJson(reply.data));
  if (parsed.success) return { ok: false, error: parsed.data };
  return {
    ok: false,
    error: {
      code: reply.headers.get(ERROR_HEADER) || 'INTERNAL',
      message: `the responder to ${subject} failed, and its error body is not a FanoutError`,
      retryable: false,
    },
  };
}
