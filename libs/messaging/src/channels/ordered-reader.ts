import {
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ReadStalledError } from '../errors';
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
 * How long a read waits for its next message before it gives up: longer than the client
 * takes to notice a lost ordered consumer and recreate it (two missed heartbeats of 15 s).
 */
const READ_IDLE_MS = 60_000;

/**
 * Reads one filter of a stream from `from` up to its end as it is now, and stops: what a
 * process recovering a workflow replays. The end is the last message the filter matches
 * when the read starts (messages added during the read may be included), found by a
 * last-by-subject lookup. The consumer's pending count is no guide: nats-server before
 * 2.9.15 miscounts it, either way, for a wildcard filter over several subjects when the
 * read starts mid-log (a replay after a snapshot), so it ended replays early or never.
 * A read that waits `idleMs` for its next message (its last message was deleted meanwhile,
 * the server is gone) fails with {@link ReadStalledError} rather than waiting forever.
 */
export async function readToEnd<T>(
  connection: NatsConnection,
  stream: string,
  filter: string,
  from: StartAt,
  decode: (message: JsMsg) => T | Promise<T>,
  options: { idleMs?: number } = {},
): Promise<T[]> {
  if (from === 'new') return [];
  const ordered = orderedOptions(filter, from);
  const end = await lastMatching(connection, stream, filter);
  if (!end || startsAfter(from, end)) return [];
  const consumer = await orderedConsumer(connection, stream, ordered);
  const messages = await consumer.consume();
  const idleMs = options.idleMs ?? READ_IDLE_MS;
  const read: T[] = [];
  // Armed only while waiting for the server, so a slow decode never counts as a stall.
  let idle: NodeJS.Timeout | undefined;
  const waitForNext = () => {
    idle = setTimeout(() => {
      const what = `${filter} of ${stream} up to sequence ${end.seq}`;
      messages.stop(new ReadStalledError(what, idleMs, read.length));
    }, idleMs);
  };
  try {
    waitForNext();
    for await (const message of messages) {
      clearTimeout(idle);
      read.push(await decode(message));
      if (message.seq >= end.seq) break;
      waitForNext();
    }
  } finally {
    clearTimeout(idle);
    await close(consumer, messages);
  }
  return read;
}

/** The stream sequence and time of the last message `filter` matches, if any. */
async function lastMatching(
  connection: NatsConnection,
  stream: string,
  filter: string,
): Promise<{ seq: number; time: Date } | undefined> {
  const jsm = await jetstreamManager(connection, { checkAPI: false });
  const last = await onStream(stream, () =>
    jsm.streams.getMessage(stream, { last_by_subj: filter }),
  );
  return last ? { seq: last.seq, time: last.time } : undefined;
}

/** Whether a read from `from` starts past the last message, so that it has nothing to read. */
function startsAfter(from: StartAt, end: { seq: number; time: Date }): boolean {
  if (typeof from !== 'object') return false;
  if ('seq' in from) return from.seq > end.seq;
  // Both in whole milliseconds, the end rounded down: a later start is surely past it.
  return new Date(from.time).getTime() > end.time.getTime();
}
