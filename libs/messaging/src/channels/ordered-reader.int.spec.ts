import { jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { beforeEach, describe, expect, it } from 'vitest';
import { ReadStalledError } from '../errors';
import { readToEnd } from './ordered-reader';
import { channelHarness } from '../testing/fixtures';

/**
 * Reads up to the end of a log shaped like a replay after a snapshot: a wildcard filter
 * over many subjects, started mid-log. nats-server before 2.9.15 counts the pending
 * messages of such a consumer wrong whenever it meets (in its map order, random) a subject
 * whose messages lie all after the start (counted twice: too many) or all before it
 * (discounted: too few) ahead of one that straddles the start. With 60 such subjects it
 * almost always does, so a read ended by that count hangs or stops short.
 */
describe('readToEnd on a real nats-server', () => {
  const harness = channelHarness('reader');
  let stream: string;
  let log: string;

  beforeEach(async () => {
    stream = `${harness.names.prefix}_LOG`;
    log = `${harness.names.prefix}.log`;
    const jsm = await jetstreamManager(harness.connection);
    await jsm.streams.add({ name: stream, subjects: [`${log}.>`], storage: 'file' as never });
  });

  /** Publishes one message per subject named, in order; resolves with their sequences. */
  async function append(names: string[]): Promise<number[]> {
    const js = jetstream(harness.connection);
    const seqs: number[] = [];
    for (const name of names) seqs.push((await js.publish(`${log}.w.${name}`)).seq);
    return seqs;
  }
  const interleaved = (count: number) => Array.from({ length: count }, (_, i) => `s${i % 2}`);
  const singles = (name: string, count: number) =>
    Array.from({ length: count }, (_, i) => `${name}${i}`);
  const read = (from: Parameters<typeof readToEnd>[3], idleMs?: number) =>
    readToEnd(harness.connection, stream, `${log}.w.*`, from, (message: JsMsg) => message.seq, {
      ...(idleMs === undefined ? {} : { idleMs }),
    });

  it('reads to the last message when subjects begin after the start (too many pending)', async () => {
    // Two subjects straddle the start, then 60 subjects of one message each, then one more
    // of the first: the start is nearer the end, so the server scans forward and counts twice.
    const seqs = await append([...interleaved(80), ...singles('after', 60), 's0']);
    const from = seqs[78]!;
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await read({ seq: from })).toEqual(seqs.slice(78));
    }
  });

  it('reads to the last message when subjects end before the start (too few pending)', async () => {
    // 60 subjects of one message each, two subjects straddling a start nearer the beginning,
    // then 60 more single ones: the server counts what lies before the start and discounts
    // the first 60 as well; the ones after make it trust that count down to 0.
    const seqs = await append([
      ...singles('before', 60),
      ...interleaved(140),
      ...singles('after', 60),
    ]);
    const from = seqs[64]!;
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(await read({ seq: from })).toEqual(seqs.slice(64));
    }
  });

  it('reads nothing from past the end, from after the last message in time, or of no messages', async () => {
    expect(await read('all')).toEqual([]);
    const seqs = await append(interleaved(4));
    expect(await read({ seq: seqs.at(-1)! + 1 })).toEqual([]);
    expect(await read({ time: Date.now() + 60_000 })).toEqual([]);
    expect(await read({ seq: seqs.at(-1)! })).toEqual(seqs.slice(-1));
    expect(await read('all')).toEqual(seqs);
  });

  it('fails with ReadStalledError when the message it was to end at is deleted mid-read', async () => {
    // 1,000 messages: the reader pulls 100 at a time, so the last is still on the server
    // when the first is decoded and deletes it.
    const seqs = await append(interleaved(1_000));
    const jsm = await jetstreamManager(harness.connection);
    let deleted = false;
    const reading = readToEnd(
      harness.connection,
      stream,
      `${log}.w.*`,
      'all',
      async (message: JsMsg) => {
        if (!deleted) deleted = await jsm.streams.deleteMessage(stream, seqs.at(-1)!);
        return message.seq;
      },
      { idleMs: 500 },
    );
    const error = await reading.catch((thrown: unknown) => thrown);
    expect(deleted).toBe(true);
    expect(error).toBeInstanceOf(ReadStalledError);
    expect(error).toMatchObject({ code: 'READ_STALLED', retryable: true, readCount: 999 });
  });
});
