import { jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Priority } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ensureTopology } from '../topology/ensure-topology';
import { PriorityConsumer, type PriorityConsumerOptions } from './priority-consumer';
import { TaskQueue, taskLevels } from './task-queue';
import { envelope, gate, testConnection, uniquePrefix, work } from '../testing/fixtures';

describe('PriorityConsumer on a real nats-server', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });
  beforeEach(async () => {
    connection = await testConnection(nats.url);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
    await connection.close();
  });

  /** A task queue of tool `noop` under a fresh prefix, and consumer options for it. */
  async function setup(name: string, overrides: Partial<PriorityConsumerOptions> = {}) {
    const names = subjects(uniquePrefix(name));
    await ensureTopology(connection, { prefix: names.prefix });
    const queue = new TaskQueue(connection, names);
    const reported: string[] = [];
    const options: PriorityConsumerOptions = {
      stream: names.streams.tasks,
      levels: taskLevels(names, 'noop'),
      concurrency: 1,
      onError: (error) => reported.push(error.message),
      ...overrides,
    };
    const make = async (on: NatsConnection = connection) => {
      const consumer = await PriorityConsumer.create(on, options);
      cleanup.push(() => consumer.stop());
      return consumer;
    };
    return { names, queue, make, reported };
  }

  it('takes p0 first, serves p4 within one weight cycle, and handles every message once', async () => {
    const { queue, make } = await setup('order');
    const perLevel = 20;
    for (let n = 0; n < perLevel * 5; n++) {
      await queue.dispatch(envelope(n, { priority: (n % 5) as Priority }));
    }
    const order: number[] = [];
    const seen = new Set<number>();
    const consumer = await make();
    consumer.start(async (message) => {
      order.push(message.json<{ priority: number }>().priority);
      seen.add(message.seq);
      await work(1);
      message.ack();
    });
    await expect.poll(() => order.length, { timeout: 10_000 }).toBe(perLevel * 5);

    expect(order[0]).toBe(0);
    expect(order.indexOf(4)).toBeLessThan(31); // one cycle of the default weights 16+8+4+2+1
    expect(order.lastIndexOf(0)).toBeLessThan(order.lastIndexOf(4));
    expect(order.slice(0, 31).filter((p) => p === 0).length).toBeGreaterThan(
      order.slice(0, 31).filter((p) => p === 4).length,
    );
    expect(seen.size).toBe(perLevel * 5);
  });

  it('starts a p4 task behind 1,000 waiting p0 tasks within one weight cycle: no starvation', async () => {
    const { queue, make } = await setup('starve');
    const flood = 1_000;
    for (let n = 0; n < flood; n++) await queue.dispatch(envelope(n, { priority: 0 }));
    await queue.dispatch(envelope(flood, { priority: 4 }));
    const order: number[] = [];
    const consumer = await make();
    consumer.start(async (message) => {
      order.push(message.json<{ priority: number }>().priority);
      message.ack();
    });
    await expect.poll(() => order.includes(4), { timeout: 20_000 }).toBe(true);
    // The bound: p4 has one turn in every cycle of 16+8+4+2+1 = 31 pulls, whatever waits above it.
    expect(order.indexOf(4)).toBeLessThan(31);
  });

  it('redelivers the message of a consumer that died without acking, after ack wait, to another', async () => {
    const { queue, make } = await setup('dies', { ackWaitMs: 1_000, heartbeatMs: 200 });
    const doomed = await testConnection(nats.url);
    const hang = gate();
    const first = await make(doomed);
    cleanup.push(async () => hang.open()); // runs before first.stop(), which waits for it
    const takenBy: string[] = [];
    first.start(async () => {
      takenBy.push('first');
      await hang.promise; // never settles: its process is about to die
    });
    await queue.dispatch(envelope(1));
    await expect.poll(() => takenBy).toEqual(['first']);

    await doomed.close();
    const second = await make();
    const redelivered: JsMsg[] = [];
    second.start(async (message) => {
      redelivered.push(message);
      message.ack();
    });
    await expect.poll(() => redelivered.length, { timeout: 5_000 }).toBe(1);
    expect(redelivered[0]!.info.deliveryCount).toBe(2);
    expect(takenBy).toEqual(['first']);
  });

  it('keeps a slow handler’s message past ack wait by heartbeating it, with no redelivery', async () => {
    const { names, queue, make } = await setup('slow', { ackWaitMs: 1_000, heartbeatMs: 200 });
    const other = await testConnection(nats.url);
    cleanup.push(() => other.close());
    const deliveries: string[] = [];
    const slow = await make();
    slow.start(async (message) => {
      deliveries.push(`slow:${message.info.deliveryCount}`);
      await work(2_500); // well past ackWaitMs
      message.ack();
    });
    await queue.dispatch(envelope(1));
    await expect.poll(() => deliveries).toEqual(['slow:1']);
    const watcher = await make(other);
    watcher.start(async (message) => {
      deliveries.push(`watcher:${message.info.deliveryCount}`);
      message.ack();
    });

    await expect.poll(() => slow.inFlight, { timeout: 5_000 }).toBe(0);
    const jsm = await jetstreamManager(connection);
    const info = await jsm.consumers.info(
      names.streams.tasks,
      taskLevels(names, 'noop')[2]!.durable,
    );
    expect(info.num_redelivered).toBe(0);
    expect(info.num_ack_pending).toBe(0);
    expect(deliveries).toEqual(['slow:1']);
  });

  it('reports a handler that throws and naks with backoff, so the next delivery retries it', async () => {
    const { queue, make, reported } = await setup('throws', { backoffMs: [50] });
    const deliveries: number[] = [];
    const consumer = await make();
    consumer.start(async (message) => {
      deliveries.push(message.info.deliveryCount);
      if (message.info.deliveryCount === 1) throw new Error('transient');
      message.ack();
    });
    await queue.dispatch(envelope(1));
    await expect.poll(() => deliveries).toEqual([1, 2]);
    expect(reported).toEqual([expect.stringContaining('failed (delivery 1): transient')]);
  });

  it('stop() gives buffered messages back at once and waits for the one in flight', async () => {
    const { queue, make } = await setup('stop', { prefetch: 3, ackWaitMs: 30_000 });
    for (let n = 0; n < 4; n++) await queue.dispatch(envelope(n, { priority: 0 }));
    const hold = gate();
    const handled: number[] = [];
    const consumer = await make();
    consumer.start(async (message) => {
      await hold.promise;
      handled.push(message.seq);
      message.ack();
    });
    await expect.poll(() => consumer.inFlight).toBe(1);

    const stopped = consumer.stop();
    hold.open();
    await stopped;
    expect(handled).toHaveLength(1);
    expect(consumer.inFlight).toBe(0);

    // The three others were nak'ed, not left to ack wait (30 s): a new consumer gets them now.
    const next = await make();
    next.start(async (message) => {
      handled.push(message.seq);
      message.ack();
    });
    await expect.poll(() => handled.length, { timeout: 3_000 }).toBe(4);
  });

  it('brings existing durables to a changed ack wait, and refuses one that reads another subject', async () => {
    const { names, make } = await setup('durables', { ackWaitMs: 1_000, heartbeatMs: 200 });
    await make();
    const levels = taskLevels(names, 'noop');
    await PriorityConsumer.create(connection, {
      stream: names.streams.tasks,
      levels,
      concurrency: 1,
      ackWaitMs: 3_000,
      heartbeatMs: 1_000,
    });
    const jsm = await jetstreamManager(connection);
    const info = await jsm.consumers.info(names.streams.tasks, levels[0]!.durable);
    expect(info.config.ack_wait).toBe(3_000_000_000);

    const moved = [{ durable: levels[0]!.durable, filterSubject: names.task('other', 0) }];
    await expect(
      PriorityConsumer.create(connection, {
        stream: names.streams.tasks,
        levels: moved,
        concurrency: 1,
      }),
    ).rejects.toThrow(
      `consumer ${levels[0]!.durable} on ${names.streams.tasks} reads ${levels[0]!.filterSubject}, not ${names.task('other', 0)}`,
    );
  });
});
