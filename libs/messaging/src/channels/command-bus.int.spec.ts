import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Command } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BusFullError, InvalidMessageError } from '../errors';
import { ensureTopology } from '../topology/ensure-topology';
import { CommandBus, commandLevels, decodeCommand } from './command-bus';
import { PriorityConsumer } from './priority-consumer';
import { testConnection, uniquePrefix } from '../testing/fixtures';

const cancel = (n: number) => ({
  type: 'workflow.cancel' as const,
  commandId: `cmd-${n}`,
  workflowId: `wf-${n}`,
});

describe('CommandBus on a real nats-server', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
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
    await connection.close();
  });

  it('publishes to the subject of its type and priority, and reports a repeated commandId as a duplicate', async () => {
    const names = subjects(uniquePrefix('publish'));
    await ensureTopology(connection, { prefix: names.prefix });
    const bus = new CommandBus(connection, names);

    const first = await bus.publish(cancel(1), { priority: 0 });
    const again = await bus.publish(cancel(1), { priority: 0 });

    expect(first).toEqual({
      subject: names.command('workflow.cancel', 0),
      seq: 1,
      duplicate: false,
    });
    expect(again).toEqual({
      subject: names.command('workflow.cancel', 0),
      seq: 1,
      duplicate: true,
    });
    const jsm = await jetstreamManager(connection);
    expect((await jsm.streams.info(names.streams.commands)).state.messages).toBe(1);
  });

  it('takes the priority from the command when the option gives none', async () => {
    const names = subjects(uniquePrefix('prio'));
    await ensureTopology(connection, { prefix: names.prefix });
    const bus = new CommandBus(connection, names);
    const call = {
      type: 'task.call' as const,
      commandId: 'call-1',
      workflowId: 'wf-call',
      tool: 'noop',
      priority: 4,
    };
    expect((await bus.publish(call)).subject).toBe(names.command('task.call', 4));
    expect((await bus.publish(cancel(2), { priority: 3 })).subject).toBe(
      names.command('workflow.cancel', 3),
    );
  });

  it('sends a cancel at p0 when the option gives no priority: stopping work never waits behind more', async () => {
    const names = subjects(uniquePrefix('cancelp0'));
    await ensureTopology(connection, { prefix: names.prefix });
    const bus = new CommandBus(connection, names);
    expect((await bus.publish(cancel(2))).subject).toBe(names.command('workflow.cancel', 0));
  });

  it('refuses an invalid command before it leaves, naming the field', async () => {
    const names = subjects(uniquePrefix('invalid'));
    const bus = new CommandBus(connection, names);
    const bad = { ...cancel(1), workflowId: 'has spaces' };
    const publishing = bus.publish(bad);
    await expect(publishing).rejects.toBeInstanceOf(InvalidMessageError);
    await expect(publishing).rejects.toThrow(/workflowId: use only letters/);
  });

  it('throws BusFullError when the bus is full, and keeps every accepted command consumable', async () => {
    const names = subjects(uniquePrefix('full'));
    await ensureTopology(connection, { prefix: names.prefix, commands: { maxMsgs: 5 } });
    const bus = new CommandBus(connection, names);
    for (let n = 0; n < 5; n++) await bus.publish(cancel(n), { priority: (n % 5) as 0 });

    const overflow = bus.publish(cancel(5));
    await expect(overflow).rejects.toBeInstanceOf(BusFullError);
    await expect(overflow).rejects.toThrow(
      `the command bus is full: ${names.command('workflow.cancel', 0)}`,
    );
    // Workers' reports have a stream of their own: a bus full of user commands takes them.
    const report = {
      type: 'task.report' as const,
      commandId: 'report-1',
      workflowId: 'wf-1',
      taskId: 'p/t',
      attempt: 1,
      worker: 'w1',
      at: Date.now(),
      outcome: { kind: 'started' as const },
    };
    await expect(bus.publish(report, { priority: 2 })).resolves.toMatchObject({
      duplicate: false,
    });
    const reports = await (await jetstreamManager(connection)).streams.info(names.streams.reports);
    expect(reports.state.messages).toBe(1);

    const consumer = await PriorityConsumer.create(connection, {
      stream: names.streams.commands,
      levels: commandLevels(names, 'spec', 'workflow.cancel'),
      concurrency: 4,
    });
    const received: Command[] = [];
    consumer.start(async (message) => {
      received.push(decodeCommand(message));
      message.ack();
    });
    try {
      await expect.poll(() => received.length).toBe(5);
      expect(received.map((c) => c.commandId).sort()).toEqual(
        [0, 1, 2, 3, 4].map((n) => `cmd-${n}`),
      );
      // Acked commands leave the work queue; then there is room for the one refused.
      const jsm = await jetstreamManager(connection);
      await expect
        .poll(async () => (await jsm.streams.info(names.streams.commands)).state.messages)
        .toBe(0);
      await expect(bus.publish(cancel(5))).resolves.toMatchObject({ duplicate: false });
    } finally {
      await consumer.stop();
    }
  });
});
