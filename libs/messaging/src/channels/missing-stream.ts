import { JetStreamApiCodes, JetStreamApiError, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { StreamMissingError } from '../errors';

/** Whether JetStream answered that a stream is not there: by its API code, never its words. */
export function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
}

/** Runs a call on `stream`, its "stream not found" answer becoming a {@link StreamMissingError}. */
export async function onStream<T>(stream: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isStreamNotFound(error)) throw new StreamMissingError({ stream }, { cause: error });
    throw error;
  }
}

/**
 * The {@link StreamMissingError} behind a JetStream publish on `subject` that got no
 * acknowledgement, if no stream holds the subject; else `undefined`. Such a publish only
 * hears "no responders", which the client reports as JetStream not being enabled, so the
 * stream API is asked which stream holds the subject, and answers by code.
 */
export async function missingStreamOf(
  connection: NatsConnection,
  subject: string,
  failure: unknown,
): Promise<StreamMissingError | undefined> {
  // A stream that refused the message answered with an API error: it is there.
  if (failure instanceof JetStreamApiError) return undefined;
  try {
    await (await jetstreamManager(connection)).streams.find(subject);
    return undefined;
  } catch (error) {
    return isStreamNotFound(error)
      ? new StreamMissingError({ subject }, { cause: failure })
      : undefined;
  }
}
