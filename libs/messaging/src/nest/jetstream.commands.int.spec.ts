import type { INestMicroservice } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { ErrorRecord, subjects, type Subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CommandReceipt } from '../channels/command-bus';
import { connectNats } from '../connection/connect';
import { natsConfigFromEnv } from '../connection/nats-config';
import { BusFullError, InvalidMessageError } from '../errors';
import { ensureTopology } from '../topology/ensure-topology';
import type { TopologyInput } from '../topology/topology-options';
import { JetStreamClient } from './jetstream.client';
import type { CommandConsumerOptions } from './jetstream.options';
import { callTool, startProbeApp, uniquePrefix, type Behaviour } from '../testing/transport-app';

describe('the JetStream transport on the command bus', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  let app: INestMicroservice | undefined;
  let client: JetStreamClient | undefined;

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  });
  afterEach(async () => {
    await app?.close();
    await client?.close();
    app = undefined;
    client = undefined;
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  /** Fresh streams under a new prefix, the probe app consuming them, and a client. */
  async function setUp(
    name: string,
    behaviour: Behaviour,
    commands: CommandConsumerOptions = {},
    topology: TopologyInput = {},
  ): Promise<{ names: Subjects; client: JetStreamClient }> {
    const prefix = uniquePrefix(name);
    await ensureTopology(connection, { ...topology, prefix });
    app = await startProbeApp(connection, behaviour, { prefix, commands });
    client = new JetStreamClient({ connection, prefix });
    return { names: subjects(prefix), client };
  }

  async function storedCommands(names: Subjects): Promise<number> {
    const jsm = await jetstreamManager(connection);
    return (await jsm.streams.info(names.streams.commands)).state.messages;
  }

  /** Every ErrorRecord published under the prefix from now on. */
  function errorRecords(names: Subjects): ErrorRecord[] {
    const records: ErrorRecord[] = [];
    connection.subscribe(names.errors(), {
      callback: (_error, message) => {
        records.push(ErrorRecord.parse(message.json()));
      },
    });
    return records;
  }

  it('acks a command whose handler succeeds: the handler gets the validated command and the bus is left empty', async () => {
    const seen: unknown[] = [];
    const { names, client } = await setUp('ack', { call: (command) => void seen.push(command) });

    const receipt = await lastValueFrom(client.emit('task.call', callTool('ok-1', { n: 1 })));

    expect(receipt).toMatchObject({ subject: names.command('task.call', 2), duplicate: false });
    await expect.poll(() => seen).toEqual([callTool('ok-1', { n: 1 })]);
    await expect.poll(() => storedCommands(names)).toBe(0);
  });

  it('redelivers a command whose handler fails with a retryable error until it succeeds, then acks it', async () => {
    const deliveries: number[] = [];
    const { names, client } = await setUp(
      'retry',
      {
        call: (_command, context) => {
          deliveries.push(context.getDeliveryCount());
          if (deliveries.length < 3) {
            throw Object.assign(new Error('upstream busy'), {
              code: 'UNAVAILABLE',
              retryable: true,
            });
          }
        },
      },
      { backoffMs: [50], maxDeliver: 5 },
    );

    await lastValueFrom(client.emit('task.call', callTool('retry-1')));

    await expect.poll(() => deliveries, { timeout: 5_000 }).toEqual([1, 2, 3]);
    await expect.poll(() => storedCommands(names)).toBe(0);
  });

  it('terminates an invalid payload without calling the handler or redelivering it, and records it with the first 4 KB on the error channel', async () => {
    let calls = 0;
    const { names } = await setUp(
      'invalid',
      { call: () => void calls++ },
      { ackWaitMs: 1_000, heartbeatMs: 300 },
    );
    const records = errorRecords(names);
    const js = jetstream(connection);
    const notJson = `{"type":"task.call",${'x'.repeat(5_000)}`;
    const wrongShape = JSON.stringify({
      type: 'task.call',
      commandId: 'bad-2',
      workflowId: 'wf-bad',
    });

    await js.publish(names.command('task.call', 2), notJson);
    await js.publish(names.command('task.call', 2), wrongShape);

    await expect.poll(() => records.length).toBe(2);
    await expect.poll(() => storedCommands(names)).toBe(0);
    expect(calls).toBe(0);
    const [first, second] = records;
    expect(first).toMatchObject({
      service: 'probe',
      kind: 'invalid-message',
      subject: names.command('task.call', 2),
      payload: notJson.slice(0, 4_096),
      error: { code: 'INVALID_MESSAGE', retryable: false },
    });
    expect(first!.error.message).toContain('the payload is not JSON');
    expect(second).toMatchObject({
      kind: 'invalid-message',
      workflowId: 'wf-bad',
      payload: wrongShape,
    });
    expect(second!.error.message).toMatch(/tool: /);
    const jsm = await jetstreamManager(connection);
    const consumer = await jsm.consumers.info(names.streams.commands, 'cmd_task_call_p2');
    expect(consumer.num_redelivered).toBe(0);
  });

  it('terminates a command whose handler fails with retryable: false after one delivery, and records it as handler-failed', async () => {
    let calls = 0;
    const { names, client } = await setUp('refused', {
      call: () => {
        calls++;
        throw Object.assign(new Error('path escapes its root'), {
          code: 'PATH_OUTSIDE_ROOT',
          retryable: false,
        });
      },
    });
    const records = errorRecords(names);

    await lastValueFrom(client.emit('task.call', callTool('refused-1')));

    await expect.poll(() => records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'handler-failed',
      workflowId: 'wf-refused-1',
      error: { code: 'PATH_OUTSIDE_ROOT', message: 'path escapes its root', retryable: false },
    });
    await expect.poll(() => storedCommands(names)).toBe(0);
    expect(calls).toBe(1);
  });

  it('records a command that fails on every delivery as deliveries-exhausted and removes it from the bus', async () => {
    let calls = 0;
    const { names, client } = await setUp(
      'exhausted',
      {
        call: () => {
          calls++;
          throw new Error('still broken');
        },
      },
      { maxDeliver: 2, backoffMs: [20] },
    );
    const records = errorRecords(names);

    await lastValueFrom(client.emit('task.call', callTool('exhausted-1')));

    await expect.poll(() => records, { timeout: 5_000 }).toHaveLength(1);
    expect(records[0]).toMatchObject({
      kind: 'deliveries-exhausted',
      workflowId: 'wf-exhausted-1',
    });
    expect(records[0]!.error.message).toContain('still broken');
    await expect.poll(() => storedCommands(names)).toBe(0);
    expect(calls).toBe(2);
  });

  it('keeps a handler that runs past ackWait from being redelivered: the message is held by working() heartbeats', async () => {
    const deliveries: number[] = [];
    let finished = false;
    const { names, client } = await setUp(
      'slow',
      {
        call: async (_command, context) => {
          deliveries.push(context.getDeliveryCount());
          await new Promise((resolve) => setTimeout(resolve, 2_500));
          finished = true;
        },
      },
      { ackWaitMs: 1_000, heartbeatMs: 250 },
    );

    await lastValueFrom(client.emit('task.call', callTool('slow-1')));

    await expect.poll(() => finished, { timeout: 6_000 }).toBe(true);
    await expect.poll(() => storedCommands(names)).toBe(0);
    expect(deliveries).toEqual([1]);
  });

  it("runs at most `concurrency` handlers of a pattern at once, and a handler's own extras bound it tighter", async () => {
    let running = 0;
    let most = 0;
    let runningCancels = 0;
    let mostCancels = 0;
    let done = 0;
    const hold = async (track: 'call' | 'cancel') => {
      if (track === 'call') most = Math.max(most, ++running);
      else mostCancels = Math.max(mostCancels, ++runningCancels);
      await new Promise((resolve) => setTimeout(resolve, 40));
      if (track === 'call') running--;
      else runningCancels--;
      done++;
    };
    const { names, client } = await setUp(
      'bounded',
      { call: () => hold('call'), cancel: () => hold('cancel') },
      { concurrency: 3 },
    );

    const emits: Promise<CommandReceipt>[] = [];
    for (let n = 0; n < 12; n++) {
      emits.push(lastValueFrom(client.emit('task.call', callTool(`bounded-${n}`))));
      emits.push(
        lastValueFrom(
          client.emit('workflow.cancel', {
            type: 'workflow.cancel',
            commandId: `cancel-${n}`,
            workflowId: `wf-${n}`,
          }),
        ),
      );
    }
    await Promise.all(emits);

    await expect.poll(() => done, { timeout: 10_000 }).toBe(24);
    expect(most).toBe(3);
    expect(mostCancels).toBe(1);
    await expect.poll(() => storedCommands(names)).toBe(0);
  });

  it('refuses emit with BusFullError when the bus holds its maximum, and stores nothing more', async () => {
    // The probe app handles no task.report, so reports stay on the bus.
    const { names, client } = await setUp('full', {}, {}, { commands: { maxReports: 2 } });
    const report = (n: number) => ({
      type: 'task.report' as const,
      commandId: `report-${n}`,
      workflowId: 'wf-full',
      taskId: 'phase/task',
      attempt: 1,
      worker: 'probe-1',
      at: 0,
      outcome: { kind: 'started' as const },
    });

    await lastValueFrom(client.emit('task.report', report(1)));
    await lastValueFrom(client.emit('task.report', report(2)));
    const refused = lastValueFrom(client.emit('task.report', report(3)));

    await expect(refused).rejects.toBeInstanceOf(BusFullError);
    await expect(refused).rejects.toThrow(
      `the command bus is full: ${names.command('task.report', 2)} was not accepted`,
    );
    const jsm = await jetstreamManager(connection);
    expect((await jsm.streams.info(names.streams.reports)).state.messages).toBe(2);
  });

  it('deduplicates by commandId: a command emitted twice is stored and handled once', async () => {
    const seen: string[] = [];
    const { client } = await setUp('dedup', {
      call: (command) => void seen.push(command.commandId),
    });

    const first = await lastValueFrom(client.emit('task.call', callTool('twice')));
    const second = await lastValueFrom(client.emit('task.call', callTool('twice')));

    expect([first.duplicate, second.duplicate]).toEqual([false, true]);
    expect(second.seq).toBe(first.seq);
    await expect.poll(() => seen).toEqual(['twice']);
  });

  it('refuses to emit a command whose type is not the pattern, naming both', async () => {
    const { client } = await setUp('mismatch', {});
    const sent = lastValueFrom(client.emit('workflow.submit', callTool('misrouted')));
    await expect(sent).rejects.toBeInstanceOf(InvalidMessageError);
    await expect(sent).rejects.toThrow(
      "emit('workflow.submit') was given a command of type 'task.call'",
    );
  });
});
