import { ErrorCode, MONITOR_RESOURCES, subjects } from '@fanout/contracts';
import {
  call,
  connectNats,
  ensureTopology,
  ErrorChannel,
  MetricsBus,
  natsConfigFromEnv,
  TaskQueue,
} from '@fanout/messaging';
import { startNats, startService, type NatsServer, type ServiceProcess } from '@fanout/testing';
import { heartbeatPublisher, noopTool, Worker } from '@fanout/worker-kit';
import { envelope } from '@fanout/messaging/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `mon${process.pid}`;
const names = subjects(PREFIX);
const ignore = () => undefined;

describe('the monitor as a process', () => {
  let nats: NatsServer;
  let connection: Awaited<ReturnType<typeof connectNats>>;
  let monitor: ServiceProcess;

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: PREFIX });
    monitor = startService(nats.url, PREFIX, 'monitor', {
      // A short failure window, so the test does not wait out the 15 s one.
      env: {
        FANOUT_MONITOR_SILENT_AFTER_MS: '1500',
        FANOUT_MONITOR_VITALS_MS: '300',
        FANOUT_MONITOR_ADAPT_EVERY_MS: '500',
        FANOUT_LOG_FORMAT: 'console',
      },
    });
    await monitor.ready();
  });
  afterAll(async () => {
    await monitor?.stop();
    await connection?.close();
    await nats?.stop();
  });

  const resources = () => call(connection, MONITOR_RESOURCES, {}, { names, timeoutMs: 10_000 });

  it('answers `fanout resources` with the matrix in percent, instances, queues and decisions', async () => {
    const report = await resources();
    expect(report.matrix.web).toEqual({ cpu: 20, memory: 25, io: 10, network: 60, storage: 15 });
    expect(Object.keys(report.matrix).sort()).toEqual(['bash', 'codebase', 'coordination', 'web']);
    expect(report.queues).toEqual(
      expect.arrayContaining([{ tool: 'code.grep', priority: 0, waiting: 0 }]),
    );
    expect(report.decisions).toEqual([]);
  });

  it('keeps an instance live from its heartbeats and load, and announces it once silent', async () => {
    const beats = heartbeatPublisher(connection, names);
    const bus = new MetricsBus(connection, names);
    const instance = 'fake-1';
    const beat = () =>
      beats.publish({ service: 'codebase-worker', instance, at: Date.now(), state: 'ready' });
    beat();
    bus.publish({
      service: 'codebase-worker',
      instance,
      at: Date.now(),
      pools: [{ pool: 'code.grep', size: 32, busy: 5 }],
      cpuPercent: 12,
      rssBytes: 1_000_000,
      eventLoopDelayMs: { p50: 1, p99: 3 },
    });
    await expect
      .poll(async () => (await resources()).instances.find((i) => i.instance === instance))
      .toMatchObject({ family: 'codebase', status: 'ready', pools: [{ busy: 5, size: 32 }] });

    // It stops beating: after the failure window it is silent, a decision and an error.
    await expect
      .poll(async () => (await resources()).decisions.map((d) => `${d.kind} ${d.instance}`), {
        timeout: 10_000,
      })
      .toContain(`instance-silent ${instance}`);
    const errors = await new ErrorChannel(connection, names).read({ service: 'monitor' });
    expect(errors.map((stored) => stored.record.error)).toEqual([
      expect.objectContaining({
        code: ErrorCode.InstanceSilent,
        details: { service: 'codebase-worker', instance },
      }),
    ]);
    expect((await resources()).instances.find((i) => i.instance === instance)?.status).toBe(
      'silent',
    );

    beat();
    await expect
      .poll(async () => (await resources()).decisions.map((d) => `${d.kind} ${d.instance}`))
      .toContain(`instance-back ${instance}`);
  });

  it('gives a family with a deep queue more slots while another idles, and says why', async () => {
    // A worker of 2 noop slots (coordination) with 20 long tasks waiting...
    const worker = new Worker({
      connection,
      names,
      service: 'agent-worker',
      tools: { noop: noopTool },
      pools: { noop: 2 },
      timing: { vitalsMs: 300 },
      logger: { log: ignore, warn: ignore, error: ignore },
    });
    await worker.start();
    try {
      const queue = new TaskQueue(connection, names);
      for (let n = 0; n < 20; n++) await queue.dispatch(envelope(n, { input: { sleepMs: 3_000 } }));
      // ...while a web worker idles.
      const bus = new MetricsBus(connection, names);
      const idle = setInterval(
        () =>
          bus.publish({
            service: 'web-worker',
            instance: 'idle-web',
            at: Date.now(),
            pools: [{ pool: 'web.fetch', size: 32, busy: 0 }],
            cpuPercent: 0,
            rssBytes: 1,
            eventLoopDelayMs: { p50: 0, p99: 0 },
          }),
        300,
      );
      try {
        await expect.poll(() => worker.pools.get('noop'), { timeout: 15_000 }).toBeGreaterThan(2);
      } finally {
        clearInterval(idle);
      }
      // The queueing family grew; an idle one (web, or the silent-then-back codebase
      // instance of the test before, whichever the window saw) gave a quarter back.
      const rebalanced = (await resources()).decisions
        .filter((d) => d.kind === 'allocation-rebalance')
        .map((d) => d.family);
      expect(rebalanced).toContain('coordination');
      expect(rebalanced.some((family) => family !== 'coordination')).toBe(true);
      expect(worker.basePools.get('noop')).toBe(2);

      // A worker started now asks the monitor and begins with the same allocation.
      const late = new Worker({
        connection,
        names,
        service: 'agent-worker',
        tools: { noop: noopTool },
        pools: { noop: 2 },
        logger: { log: ignore, warn: ignore, error: ignore },
      });
      await late.start();
      try {
        expect(late.pools.get('noop')).toBeGreaterThan(2);
      } finally {
        await late.drain(0);
      }
    } finally {
      await worker.drain(0);
    }
  });
});
