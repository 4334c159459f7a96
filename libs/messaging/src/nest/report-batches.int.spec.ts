import type { INestMicroservice } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorRecord, subjects, type ReportTask, type Subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandBus } from '../channels/command-bus';
import { maxBodyBytes } from '../channels/message-size';
import { ReportBatcher } from '../channels/report-batcher';
import { connectNats } from '../connection/connect';
import { natsConfigFromEnv } from '../connection/nats-config';
import { InvalidMessageError } from '../errors';
import { ensureTopology } from '../topology/ensure-topology';
import { startProbeApp, uniquePrefix, type Behaviour } from '../testing/transport-app';

function report(n: number, workflowId = 'wf-r'): ReportTask {
  return {
    type: 'task.report',
    commandId: `report-${n}`,
    workflowId,
    taskId: `p/t${n}`,
    attempt: 1,
    worker: 'w-1',
    at: 1,
    outcome: { kind: 'succeeded', result: { n }, durationMs: 1 },
  };
}

describe('a worker’s reports sent together', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  let app: INestMicroservice | undefined;

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  async function setUp(name: string, behaviour?: Behaviour) {
    const names = subjects(uniquePrefix(name));
    await ensureTopology(connection, { prefix: names.prefix });
    if (behaviour) app = await startProbeApp(connection, behaviour, { prefix: names.prefix });
    const batcher = new ReportBatcher(new CommandBus(connection, names), maxBodyBytes(connection));
    return { names, batcher };
  }

  async function storedReports(names: Subjects): Promise<number> {
    const jsm = await jetstreamManager(connection);
    return (await jsm.streams.info(names.streams.reports)).state.messages;
  }

  it('stores the reports of one turn as one message per priority, and each caller hears its own', async () => {
    const { names, batcher } = await setUp('store');
    const receipts = await Promise.all([
      ...[1, 2, 3].map((n) => batcher.publish(report(n), { priority: 2 })),
      batcher.publish(report(4), { priority: 0 }),
    ]);
    expect(await storedReports(names)).toBe(2);
    expect(receipts.map((receipt) => receipt.subject)).toEqual([
      names.command('task.report', 2),
      names.command('task.report', 2),
      names.command('task.report', 2),
      names.command('task.report', 0),
    ]);
    // A lone report travels as before: its command id is its message id.
    const again = await batcher.publish(report(4), { priority: 0 });
    expect(again.duplicate).toBe(true);
  });

  it('fails an invalid report alone, before anything is sent; the others are stored', async () => {
    const { names, batcher } = await setUp('invalid');
    const bad = { ...report(2), attempt: 0 };
    const results = await Promise.allSettled([
      batcher.publish(report(1), { priority: 2 }),
      batcher.publish(bad, { priority: 2 }),
      batcher.publish(report(3), { priority: 2 }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(InvalidMessageError);
    expect(await storedReports(names)).toBe(1);
  });

  it('has the transport hand each report of a batch to the handler and ack the batch', async () => {
    const seen: string[] = [];
    const { names, batcher } = await setUp('handled', {
      report: (command) => void seen.push(command.commandId),
    });
    await Promise.all([1, 2, 3].map((n) => batcher.publish(report(n), { priority: 2 })));
    await expect.poll(() => [...seen].sort()).toEqual(['report-1', 'report-2', 'report-3']);
    await expect.poll(() => storedReports(names)).toBe(0);
  });

  it('records a batch’s invalid report on the error channel and handles the rest', async () => {
    const seen: string[] = [];
    const { names } = await setUp('mixed', {
      report: (command) => void seen.push(command.commandId),
    });
    const records: ErrorRecord[] = [];
    connection.subscribe(names.errors(), {
      callback: (_error, message) => void records.push(ErrorRecord.parse(message.json())),
    });
    // As a client other than Fanout's could send it: the second report is missing its attempt.
    const { attempt: _dropped, ...broken } = report(2, 'wf-bad');
    await connection.publish(
      names.command('task.report', 2),
      JSON.stringify([report(1), broken, report(3)]),
    );
    await expect.poll(() => [...seen].sort()).toEqual(['report-1', 'report-3']);
    await expect
      .poll(() => records.map((record) => [record.kind, record.workflowId]))
      .toEqual([['invalid-message', 'wf-bad']]);
    expect(records[0]!.error.message).toMatch(/task\.report\[1\].*attempt/);
    await expect.poll(() => storedReports(names)).toBe(0);
  });

  it('redelivers the whole batch when one report may succeed later; the others are handed over again', async () => {
    const seen: string[] = [];
    let refusals = 0;
    const { names, batcher } = await setUp('retry', {
      report: (command) => {
        seen.push(command.commandId);
        if (command.commandId === 'report-2' && refusals++ === 0) {
          throw Object.assign(new Error('owner busy'), { code: 'UNAVAILABLE', retryable: true });
        }
      },
    });
    await Promise.all([1, 2].map((n) => batcher.publish(report(n), { priority: 2 })));
    await expect
      .poll(() => [...seen].sort(), { timeout: 10_000 })
      .toEqual(['report-1', 'report-1', 'report-2', 'report-2']);
    await expect.poll(() => storedReports(names)).toBe(0);
  });
});
