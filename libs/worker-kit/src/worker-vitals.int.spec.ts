import { DeadLetters, MetricsBus } from '@fanout/messaging';
import { ServiceHeartbeat, type LoadSnapshot } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import {
  dispatch,
  envelope,
  connectTo,
  freshNames,
  natsHarness,
  ReportLog,
  startWorker,
} from './testing/fixtures';
import type { Connection } from './transport-types';

describe('Worker signs of life and last resorts', () => {
  const harness = natsHarness();
  const { cleanup } = harness;

  it('publishes load snapshots with busy and free slots per pool, and heartbeats with its state', async () => {
    const names = await freshNames(harness.connection, 'vitals');
    const snapshots: LoadSnapshot[] = [];
    const metrics = await new MetricsBus(harness.connection, names).subscribe({
      service: 'test-worker',
    });
    cleanup.push(() => metrics.stop());
    void (async () => {
      for await (const snapshot of metrics) snapshots.push(snapshot);
    })();
    const states: string[] = [];
    const heartbeats = harness.connection.subscribe(names.heartbeats(), {
      callback: (_error, message) => {
        states.push(ServiceHeartbeat.parse(message.json()).state);
      },
    });
    cleanup.push(async () => heartbeats.unsubscribe());
    await harness.connection.flush();

    const worker = await startWorker(
      {
        connection: harness.connection,
        names,
        service: 'test-worker',
        tools: { noop: noopTool },
        pools: { noop: 3 },
      },
      cleanup,
    );
    await dispatch(harness.connection, names, envelope(1, { input: { sleepMs: 2_000 } }));

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

  it('publishes the storage bytes the kernel counts and the network bytes its web tools received', async () => {
    const names = await freshNames(harness.connection, 'bytes');
    const snapshots: LoadSnapshot[] = [];
    const metrics = await new MetricsBus(harness.connection, names).subscribe({
      service: 'test-web',
    });
    cleanup.push(() => metrics.stop());
    void (async () => {
      for await (const snapshot of metrics) snapshots.push(snapshot);
    })();
    await harness.connection.flush();
    // A web.fetch that received 200 kB, as the real one says in its result's bytes.
    const fetched = async (input: unknown) => ({
      url: (input as { url: string }).url,
      status: 200,
      contentType: 'text/plain',
      text: 'x',
      links: [],
      bytes: 200_000,
      truncated: false,
    });
    await startWorker(
      {
        connection: harness.connection,
        names,
        service: 'test-web',
        tools: { 'web.fetch': fetched as never },
        timing: { vitalsMs: 300 },
      },
      cleanup,
    );
    await dispatch(
      harness.connection,
      names,
      envelope(1, { tool: 'web.fetch', input: { url: 'http://127.0.0.1:9/page' } }),
    );
    await expect
      .poll(() => snapshots.some((s) => (s.network?.readBytesPerSec ?? 0) > 0), { timeout: 10_000 })
      .toBe(true);
    if (process.platform === 'linux') {
      expect(snapshots.at(-1)?.io).toEqual({
        readBytesPerSec: expect.any(Number),
        writeBytesPerSec: expect.any(Number),
      });
    }
  });

  it('dead-letters a task whose worker died on its last delivery and reports it failed, so its workflow does not wait forever', async () => {
    const names = await freshNames(harness.connection, 'deadletter');
    const reports = await ReportLog.open(harness.connection, names);
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
    const doomed = await connectTo(harness.nats.url);
    const first = await start('first', doomed);
    await dispatch(harness.connection, names, envelope(1, { input: { sleepMs: 60_000 } }));
    await expect.poll(() => first.load()[0]!.busy, { timeout: 10_000 }).toBe(1);
    await doomed.close(); // the worker dies: its one allowed delivery is spent
    await start('second', harness.connection);

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 15_000 }).toBeDefined();
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'DELIVERIES_EXHAUSTED', retryable: false },
    });
    const letters = await new DeadLetters(harness.connection, names).list('noop');
    expect(letters.map((l) => l.letter.envelope.taskId)).toEqual(['phase/task-1']);
  });
});
