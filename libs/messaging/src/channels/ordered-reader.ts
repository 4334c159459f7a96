import {
  jetstream,
  type Consumer,
  type ConsumerMessages,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { onStream } from './missing-stream';
import type { Subscription } from './subscription';

/**
 * Where a read of a stream starts: everything kept, only what arrives from now on, the
 * latest message of each subject (the current state of every instance), a stream sequence
 * (resume after the last one seen), or a point in time.
 */
export type StartAt =
  'all' | 'new' | 'last-per-subject' | { seq: number } | { time: Date | number };

function orderedOptions(filter: string, from: StartAt): Partial<OrderedConsumerOptions> {
  if (from === 'all') return { filter_subjects: filter, deliver_policy: 'all' };
  if (from === 'new') return { filter_subjects: filter, deliver_policy: 'new' };
  if (from === 'last-per-subject') {
    return { filter_subjects: filter, deliver_policy: 'last_per_subject' };
  }
  if ('seq' in from) {
    if (!Number.isInteger(from.seq) || from.seq < 1) {
      throw new Error(`a stream sequence starts at 1, got ${from.seq}`);
    }
    return { filter_subjects: filter, opt_start_seq: from.seq };
  }
  return { filter_subjects: filter, opt_start_time: new Date(from.time).toISOString() };
}

/**
 * Follows one filter of a stream with an ordered consumer: in stream order, no gaps, no
 * acks, recreated by the client after a reconnect. `decode` turns each message into what
 * the caller wants (it may fetch what the message refers to); if it throws (an invalid
 * message), the iteration ends with that error rather than skipping the message.
 */
export async function follow<T>(
  connection: NatsConnection,
  stream: string,
  filter: string,
  from: StartAt,
  decode: (message: JsMsg) => T | Promise<T>,
): Promise<Subscription<T>> {
  const consumer = await orderedConsumer(connection, stream, orderedOptions(filter, from));
  const messages = await consumer.consume();
  const stop = () => close(consumer, messages);
  return {
    stop,
    [Symbol.asyncIterator]: () => iterate(messages, decode, stop),
  };
}

/** An ordered consumer of `stream`; a stream that is not there is a StreamMissingError. */
function orderedConsumer(
  connection: NatsConnection,
  stream: string,
  options: Partial<OrderedConsumerOptions>,
): Promise<Consumer> {
  return onStream(stream, () => jetstream(connection).consumers.get(stream, options));
}

async function* iterate<T>(
  messages: ConsumerMessages,
  decode: (message: JsMsg) => T | Promise<T>,
  stop: () => Promise<void>,
): AsyncGenerator<T> {
  try {
    for await (const message of messages) yield await decode(message);
  } finally {
    await stop();
  }
}

/**
 * Ends a read and deletes its server-side consumer at once. The delete is best effort:
 * an ordered consumer is ephemeral and the server removes it after 5 idle minutes anyway.
 */
async function close(consumer: Consumer, messages?: ConsumerMessages): Promise<void> {
  await messages?.close();
  await consumer.delete().catch(() => undefined);
}

/**
 * Reads one filter of a stream from `from` up to its end as it is now, and stops: what a
 * process recovering a workflow replays. Messages added during the read may be included.
 */
export async function readToEnd<T>(
  connection: NatsConnection,
  stream: string,
  filter: string,
  from: StartAt,
  decode: (message: JsMsg) => T | Promise<T>,
): Promise<T[]> {
  if (from === 'new') return [];
  const consumer = await orderedConsumer(connection, stream, orderedOptions(filter, from));
  if ((await consumer.info(true)).num_pending === 0) {
    await close(consumer);
    return [];
  }
  const messages = await consumer.consume();
  const read: T[] = [];
  try {
    for await (const message of messages) {
      read.push(await decode(message));
      if (message.info.pending === 0) break;
    }
  } finally {
    await close(consumer, messages);
  }
  return read;
}
