import type { NatsConnection } from '@nats-io/transport-node';
import type { z } from 'zod';
import { InvalidMessageError } from '../errors';
import { decode } from './codec';
import type { Subscription } from './subscription';

/** What to do with a message that fails validation; without it the iteration ends with the error. */
export interface CoreSubscribeOptions {
  onInvalid?: (error: InvalidMessageError) => void;
}

/**
 * Subscribes to a core NATS subject and yields its messages validated against `schema`.
 * Resolves once the server knows of the subscription, so a publish made after it is not
 * missed. An invalid message goes to `onInvalid` if given; otherwise it ends the
 * iteration with an `InvalidMessageError` naming its subject (never skipped silently).
 */
export async function subscribeCore<S extends z.ZodType>(
  connection: NatsConnection,
  subject: string,
  schema: S,
  options: CoreSubscribeOptions = {},
): Promise<Subscription<z.output<S>>> {
  const subscription = connection.subscribe(subject);
  await connection.flush();
  async function* iterate(): AsyncGenerator<z.output<S>> {
    try {
      for await (const message of subscription) {
        let value: z.output<S>;
        try {
          value = decode(schema, message.data, message.subject);
        } catch (error) {
          if (!(error instanceof InvalidMessageError) || !options.onInvalid) throw error;
          options.onInvalid(error);
          continue;
        }
        yield value;
      }
    } finally {
      subscription.unsubscribe();
    }
  }
  return {
    stop: async () => {
      if (!subscription.isClosed()) await subscription.drain();
    },
    [Symbol.asyncIterator]: iterate,
  };
}
