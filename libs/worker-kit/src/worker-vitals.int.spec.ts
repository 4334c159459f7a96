import { DeadLetters, MetricsBus } from '@fanout/messaging';
import { ServiceHeartbeat, type LoadSnapshot } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import {
  connectTo,
  dispatch,
  envelope,
  freshNames,
  ReportLog,
  startWorker,
} from './testing/fixtures';
import type { Connection } from './transport-types';

describe('Worker signs of life and last resorts', () => {
  let nats: NatsServer;
  let connection: Connection;
  const cleanup: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectTo(nats.url);
  });
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  it('publishes load snapshots with busy and free slots per pool, and heartbeats with its state', async () => {
    const names = await freshNames(connection, 'vitals');
    const snapshots: LoadSnapshot[] = [];
    const metrics = await new MetricsBus(connection, names).subscribe({ service: 'test-worker' });
    cleanup.push(() => metrics.stop());
    void (async () => {
      for await (const snapshot of metrics) snapshots.push(snapshot);
    })();
    const states: string[] = [];
    const heartbeats = connection.subscribe(names.heartbeats(), {
      callback: (_error, message) => {
        states.push(ServiceHeartbeat.parse(message.json()).state);
      },
    });
    cleanup.push(async () => heartbeats.unsubscribe());
    await connection.flush();

    const worker = await startWorker(
      {
        connection,
        names,
        service: 'test-worker',
        tools: { noop: noopTool },
        pools: { noop: 3 },
      },
      cleanup,
    );
    await dispatch(connection, names, envelope(1, { input: { sleepMs: 2_000 } }));

    await expect
      .poll(() => snapshots.find((s) => s.pools[0]?.busy === 1), { timeout: 10_000 })
      .toMatchObject({ instance: worker.instance, pools: [{ pool: 'noop', size: 3, busy: 1 }] });
    const last = snapshots.at(-1)!;
    expect(last.rssBytes).toBeGreaterThan(0);
    expect(last.eventLoopDelayMs.p99).toBeGreaterThanOrEqual(last.eventLoopDelayMs.p50);
    expect(states).toContain('ready');

    await worker.drain(0);
    expect(states).toContain('draining');
  });

  it('dead-letters a task whose worker died on its last delivery and reports it failed, so its workflow does not wait forever', async () => {
    const names = await freshNames(connection, 'deadletter');
    const reports = await ReportLog.open(connection, names);
    cleanup.push(() => reports.stop());
    const start = (instance: string, on: Connection) =>
      startWorker(
        {
          connection: on,
          names,
          service: 'test-worker',
          instance,
          tools: { noop: noopTool },
          maxDeliver: 1,
        },
        cleanup,
      );
    const doomed = await connectTo(nats.url);
    const first = await start('first', doomed);
    await dispatch(connection, names, envelope(1, { input: { sleepMs: 60_000 } }));
    await expect.poll(() => first.load()[0]!.busy, { timeout: 10_000 }).toBe(1);
    await doomed.close(); // the worker dies: its one allowed delivery is spent
    await start('second', connection);

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 15_000 }).toBeDefined();
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'DELIVERIES_EXHAUSTED', retryable: false },
    });
    const letters = await new DeadLetters(connection, names).list('noop');
    expect(letters.map((l) => l.letter.envelope.taskId)).toEqual(['phase/task-1']);
  });
});
