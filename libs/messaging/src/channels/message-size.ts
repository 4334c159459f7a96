import type { NatsConnection } from '@nats-io/transport-node';
import { MessageTooLargeError } from '../errors';

/** NATS's default `max_payload`, for a connection that has not said otherwise. */
const DEFAULT_MAX_PAYLOAD = 1_048_576;

/** Room left in a message for the subject and headers (trace context, message id). */
const HEADROOM_BYTES = 1_024;

/**
 * The largest body one message of this connection may carry: the server's `max_payload`
 * less room for headers. What is larger goes to the Object Store and travels as a reference.
 */
export function maxBodyBytes(connection: NatsConnection): number {
  return (connection.info?.max_payload ?? DEFAULT_MAX_PAYLOAD) - HEADROOM_BYTES;
}

/** Throws {@link MessageTooLargeError} for a body that would not fit, before it is sent. */
export function checkBodySize(connection: NatsConnection, subject: string, body: Uint8Array): void {
  const max = maxBodyBytes(connection);
  if (body.length > max) throw new MessageTooLargeError(subject, body.length, max);
}
