import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Priority } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureTopology } from '../topology/ensure-topology';
import { CommandBus, commandLevels, decodeCommand } from './command-bus';
import { PriorityConsumer } from './priority-consumer';
import { testConnection, uniquePrefix } from '../testing/fixtures';

const cancel = (n: number) => ({
  type: 'workflow.cancel' as const,
  commandId: `cmd-${n}`,
  workflowId: `wf-${n}`,
});

describe('the command bus across a server crash', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  let reconnects = 0;
  beforeEach(async () => {
    nats = await startNats();
    connection = await testConnection(nats.url);
    reconnects = 0;
    void (async () => {
      for await (const status of connection.status()) if (status.type === 'reconnect') reconnects++;
    })();
  });

  /** Crashes the server, brings it back, and waits until this client is connected again. */
  async function crashAndRestart(): Promise<void> {
    const before = reconnects;
    await nats.kill('SIGKILL');
    await nats.restart();
    await expect.poll(() => reconnects, { timeout: 10_000 }).toBeGreaterThan(before);
  }
  afterEach(async () => {
    await connection?.close();
    await nats?.stop();
  });

  it('loses no accepted command to kill -9 and restart: all N arrive exactly once', async ({
    skip,
  }) => {
    if (!nats.canKill) skip('NATS_URL is set: the server is not ours to kill');
    const names = subjects(uniquePrefix('crash'));
    await ensureTopology(connection, { prefix: names.prefix });
    const bus = new CommandBus(connection, names);
    const reported: string[] = [];
    const n = 50;
    for (let i = 0; i < n; i++) await bus.publish(cancel(i), { priority: (i % 5) as Priority });
    const consumer = await PriorityConsumer.create(connection, {
      stream: names.streams.commands,
      levels: commandLevels(names, 'crash', 'workflow.cancel'),
      concurrency: 8,
      onError: (error) => reported.push(error.message),
    });

    await crashAndRestart();

    const seen = new Map<string, number>();
    consumer.start(async (message) => {
      const { commandId } = decodeCommand(message);
      seen.set(commandId, (seen.get(commandId) ?? 0) + 1);
      await message.ackAck();
    });
    try {
      await expect.poll(() => seen.size, { timeout: 15_000 }).toBe(n);
      const jsm = await jetstreamManager(connection);
      await expect
        .poll(async () => (await jsm.streams.info(names.streams.commands)).state.messages)
        .toBe(0);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
    } finally {
      await consumer.stop();
    }
  });

  it('keeps a running PriorityConsumer pulling after the server comes back', async ({ skip }) => {
    if (!nats.canKill) skip('NATS_URL is set: the server is not ours to kill');
    const names = subjects(uniquePrefix('resume'));
    await ensureTopology(connection, { prefix: names.prefix });
    const bus = new CommandBus(connection, names);
    const outage: string[] = [];
    const consumer = await PriorityConsumer.create(connection, {
      stream: names.streams.commands,
      levels: commandLevels(names, 'resume', 'workflow.cancel'),
      concurrency: 2,
      onError: (error) => outage.push(error.message), // pulls may fail while the server is down
    });
    const received: string[] = [];
    consumer.start(async (message) => {
      received.push(decodeCommand(message).commandId);
      await message.ackAck();
    });
    try {
      await bus.publish(cancel(1));
      await expect.poll(() => received).toEqual(['cmd-1']);

      await crashAndRestart();
      await bus.publish(cancel(2));
      await expect.poll(() => received, { timeout: 15_000 }).toEqual(['cmd-1', 'cmd-2']);
    } finally {
      await consumer.stop();
    }
  });
});
