import { jetstreamManager } from '@nats-io/jetstream';
import { DataBatch } from '@fanout/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { DataGapError } from '../errors';
import { DataPipeline } from './data-pipeline';
import { channelHarness } from '../testing/fixtures';

const task = { workflowId: 'wf-data', taskId: 'search/grep', attempt: 1 };

describe('DataPipeline on a real nats-server', () => {
  const harness = channelHarness('data');
  let pipeline: DataPipeline;
  beforeEach(() => {
    pipeline = new DataPipeline(harness.connection, harness.names);
  });

  /** The batches stored for the task, as the stream holds them. */
  async function storedBatches(): Promise<DataBatch[]> {
    const jsm = await jetstreamManager(harness.connection);
    const { state } = await jsm.streams.info(harness.names.streams.data);
    const batches: DataBatch[] = [];
    for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
      batches.push(
        DataBatch.parse(
          (await jsm.streams.getMessage(harness.names.streams.data, { seq }))!.json(),
        ),
      );
    }
    return batches;
  }

  async function readAll(): Promise<unknown[]> {
    const items: unknown[] = [];
    for await (const item of pipeline.items(task)) items.push(item);
    return items;
  }

  it('sends a batch as soon as it holds maxItems, and the rest as the final batch on close', async () => {
    const producer = pipeline.producer(task, { maxItems: 3, maxDelayMs: 60_000 });
    await producer.push(1, 2, 3, 4, 5, 6, 7);
    expect((await storedBatches()).map((b) => b.items)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    await producer.close();
    const batches = await storedBatches();
    expect(batches.map((b) => [b.seq, b.items.length, b.final])).toEqual([
      [0, 3, false],
      [1, 3, false],
      [2, 1, true],
    ]);
    expect(await readAll()).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('sends a partial batch maxDelayMs after its first item', async () => {
    const producer = pipeline.producer(task, { maxItems: 1_000, maxDelayMs: 50 });
    await producer.push('a', 'b');
    expect(await storedBatches()).toEqual([]);
    await expect
      .poll(() => storedBatches())
      .toEqual([{ ...task, seq: 0, items: ['a', 'b'], final: false }]);
    await producer.close();
    expect((await storedBatches()).at(-1)).toEqual({ ...task, seq: 1, items: [], final: true });
  });

  it('round-trips a 5 MB batch through the Object Store, transparently', async () => {
    expect(harness.connection.info?.max_payload).toBe(1_048_576);
    const big = 'x'.repeat(5 * 1024 * 1024);
    const producer = pipeline.producer(task);
    await producer.push({ big });
    await producer.close();
    const [stored] = await storedBatches();
    expect(stored!.items).toEqual([]);
    expect(stored!.ref).toMatchObject({ bucket: harness.names.buckets.payloads });
    expect(stored!.ref!.size).toBeGreaterThan(5 * 1024 * 1024);
    const items = await readAll();
    expect(items).toHaveLength(1);
    expect((items[0] as { big: string }).big === big).toBe(true);
  });

  it('reads only the asked attempt, and throws DataGapError when a batch is missing', async () => {
    const other = pipeline.producer({ ...task, attempt: 2 });
    await other.push('second attempt');
    await other.close();
    const first = pipeline.producer(task, { maxItems: 1 });
    await first.push('a', 'b', 'c');
    await first.close();
    expect(await readAll()).toEqual(['a', 'b', 'c']);

    const jsm = await jetstreamManager(harness.connection);
    const batches = await storedBatches();
    // Stored: attempt 2's only batch, then attempt 1's batches 0, 1, 2 and the final 3.
    expect(batches[2]).toMatchObject({ attempt: 1, seq: 1 });
    const seqOfBatch1 = (await jsm.streams.info(harness.names.streams.data)).state.first_seq + 2;
    await jsm.streams.deleteMessage(harness.names.streams.data, seqOfBatch1);
    await expect(readAll()).rejects.toBeInstanceOf(DataGapError);
  });
});
