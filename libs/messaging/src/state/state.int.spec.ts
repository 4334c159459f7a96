import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { WorkflowEvent } from '@fanout/contracts';
import { subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataPipeline } from '../channels/data-pipeline';
import { EventStream } from '../channels/event-stream';
import { StoredResults } from './stored-results';
import { testConnection, uniquePrefix } from '../testing/fixtures';
import { ensureTopology } from '../topology/ensure-topology';
import { LeaseStore } from './lease-store';
import { WorkflowLog } from './workflow-log';
import { WorkflowStore } from './workflow-store';

describe('workflow state on JetStream', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  beforeAll(async () => {
    nats = await startNats();
    connection = await testConnection(nats.url);
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  const fresh = async (name: string) => {
    const names = subjects(uniquePrefix(name));
    await ensureTopology(connection, { prefix: names.prefix });
    return names;
  };

  it('gives a workflow to one owner at a time, and to another once the lease expires', async () => {
    const names = await fresh('lease');
    const leases = await LeaseStore.open(connection, { names, ttlMs: 1_000 });
    const first = await leases.acquire('wf-1', 'a', 10_000);
    expect(first).toMatchObject({ owner: 'a', expiresAt: 11_000, epoch: first!.revision });
    expect(await leases.acquire('wf-1', 'b', 10_500)).toBeUndefined();
    const renewed = await leases.renew(first!, 10_800);
    expect(renewed?.expiresAt).toBe(11_800);
    // A renewal is the same ownership: same epoch, though the revision moved on.
    expect(renewed).toMatchObject({ epoch: first!.epoch });
    expect(renewed!.revision).toBeGreaterThan(first!.revision);
    expect(await leases.acquire('wf-1', 'b', 11_799)).toBeUndefined();
    const taken = await leases.acquire('wf-1', 'b', 11_800);
    expect(taken?.owner).toBe('b');
    // Every acquisition is a new ownership, with a higher epoch than any before it.
    expect(taken!.epoch).toBeGreaterThan(renewed!.revision);
    const again = await leases.acquire('wf-1', 'b', 11_900);
    expect(again!.epoch).toBeGreaterThan(taken!.epoch);
    // The old owner's renewal now fails: its revision is stale.
    expect(await leases.renew(renewed!, 11_900)).toBeUndefined();
    expect((await leases.holder('wf-1'))?.owner).toBe('b');
  });

  it('lets only one of two racers win a free workflow', async () => {
    const names = await fresh('race');
    const leases = await LeaseStore.open(connection, { names });
    const results = await Promise.all(
      ['a', 'b', 'c'].map((owner) => leases.acquire('wf-race', owner, 1_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('appends a batch of events in order, stores a repeated append once, and reads them back', async () => {
    const names = await fresh('log');
    const log = new WorkflowLog(connection, names);
    const events: WorkflowEvent[] = [
      { type: 'PhaseStarted', workflowId: 'wf-2', at: 1, phaseId: 'a' },
      { type: 'TaskStarted', workflowId: 'wf-2', at: 2, taskId: 'a/t', attempt: 1, worker: 'w' },
      { type: 'PhaseStarted', workflowId: 'wf-2', at: 3, phaseId: 'b' },
    ];
    const last = await log.append('wf-2', 0, events, 1);
    expect(await log.append('wf-2', 0, events, 1)).toBe(last); // duplicates: same sequence
    const read = await new EventStream(connection, names).read({ workflowId: 'wf-2' });
    expect(read.map((stored) => stored.event)).toEqual(events);
  });

  it('keeps a snapshot larger than one message and lists live workflows', async () => {
    const names = await fresh('snap');
    const store = await WorkflowStore.open(connection, names);
    const big = {
      tasks: Array.from({ length: 20_000 }, (_, i) => ({
        id: `t${i}`,
        status: 'succeeded',
        result: 'x'.repeat(50),
      })),
    };
    await store.saveSnapshot(
      { workflowId: 'wf-3', status: 'running', version: 42, lastSeq: 99, updatedAt: 5 },
      big,
    );
    await store.put({
      workflowId: 'wf-4',
      status: 'succeeded',
      version: 0,
      lastSeq: 0,
      updatedAt: 5,
    });
    const loaded = await store.loadSnapshot<typeof big>('wf-3');
    expect(loaded?.record.lastSeq).toBe(99);
    expect(loaded?.state.tasks).toHaveLength(20_000);
    expect(await store.live()).toEqual(['wf-3']);
  });

  it('lists live workflows every few seconds without leaving a consumer behind', async () => {
    const names = await fresh('scan');
    const store = await WorkflowStore.open(connection, names);
    const record = (workflowId: string, status: string) => ({
      workflowId,
      status,
      version: 0,
      lastSeq: 0,
      updatedAt: 1,
    });
    await store.put(record('wf-a', 'running'));
    await store.put(record('wf-b', 'cancelling'));
    for (let scan = 0; scan < 20; scan++)
      expect((await store.live()).sort()).toEqual(['wf-a', 'wf-b']);
    const jsm = await jetstreamManager(connection);
    const consumers = [];
    for await (const consumer of jsm.consumers.list(`KV_${names.buckets.workflows}`)) {
      consumers.push(consumer.name);
    }
    expect(consumers).toEqual([]);
  });

  it('ends a workflow: its live record and snapshot go, and its log and stored values are purged when due', async () => {
    const names = await fresh('end');
    const store = await WorkflowStore.open(connection, names);
    const log = new WorkflowLog(connection, names);
    const events = new EventStream(connection, names);
    const results = await StoredResults.open(connection, names);
    const owner = { workflowId: 'wf-e', taskId: 'p/t', attempt: 1 };
    const ref = await results.put(owner, { big: 'x'.repeat(2_000_000) });
    await log.append(
      'wf-e',
      0,
      [
        { type: 'PhaseStarted', workflowId: 'wf-e', at: 1, phaseId: 'p' },
        { type: 'PhaseStarted', workflowId: 'wf-e', at: 2, phaseId: 'q' },
      ],
      1,
    );
    const producer = new DataPipeline(connection, names).producer(owner);
    await producer.push({ line: 1 });
    await producer.close();
    await store.saveSnapshot(
      { workflowId: 'wf-e', status: 'running', version: 2, lastSeq: 2, updatedAt: 1 },
      { any: 'state' },
    );
    await log.append(
      'wf-other',
      0,
      [{ type: 'PhaseStarted', workflowId: 'wf-other', at: 1, phaseId: 'p' }],
      1,
    );

    await store.end({ workflowId: 'wf-e', endedAt: 100, purgeAt: 1_100, stored: [ref] });
    expect(await store.live()).toEqual([]);
    expect(await store.loadSnapshot('wf-e')).toBeUndefined();
    expect(await store.duePurges(1_099)).toEqual([]);
    expect(await store.duePurges(1_100)).toEqual([
      { workflowId: 'wf-e', endedAt: 100, purgeAt: 1_100, stored: [ref] },
    ]);

    expect(await log.purge('wf-e')).toBe(2); // two events in one message, one batch of items
    await results.delete([ref]);
    await store.purged('wf-e');
    expect(await events.read({ workflowId: 'wf-e' })).toEqual([]);
    expect(await events.read({ workflowId: 'wf-other' })).toHaveLength(1);
    await expect(results.get(ref, 'the spec')).rejects.toMatchObject({ code: 'PAYLOAD_MISSING' });
    expect(await store.duePurges(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('keeps what it read, when asked to, and reads it again without the store', async () => {
    const names = await fresh('cache');
    const owner = { workflowId: 'wf-c', taskId: 'p/t', attempt: 1 };
    const writer = await StoredResults.open(connection, names);
    const cached = await StoredResults.open(connection, names, { cacheBytes: 1_000_000 });
    const uncached = await StoredResults.open(connection, names);
    const ref = await writer.put(owner, { rows: [1, 2, 3] });
    expect(await cached.get(ref, 'the spec')).toEqual({ rows: [1, 2, 3] });
    expect(await uncached.get(ref, 'the spec')).toEqual({ rows: [1, 2, 3] });
    await writer.delete([ref]);
    // Each get parses its own copy: a caller that changes it changes nothing kept.
    const again = (await cached.get(ref, 'the spec')) as { rows: number[] };
    again.rows.push(4);
    expect(await cached.get(ref, 'the spec')).toEqual({ rows: [1, 2, 3] });
    await expect(uncached.get(ref, 'the spec')).rejects.toMatchObject({ code: 'PAYLOAD_MISSING' });
  });
});
