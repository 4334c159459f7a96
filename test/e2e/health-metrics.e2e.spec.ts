import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFanout, startFanout, startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `hm${process.pid}`;

/** The value of one sample of the Prometheus text, by its name and labels as written. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((row) => row.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('health and metrics endpoints of the services', () => {
  let nats: NatsServer;
  const dir = mkdtempSync(join(tmpdir(), 'fanout-metrics-'));
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves /healthz, /readyz and /metrics for every service of fanout up, with the numbers of what ran', async () => {
    const env = { NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: PREFIX, FANOUT_HTTP_PORT: '0' };
    const up = startFanout(['up', '--only', 'orchestrator,codebase-worker'], /fanout: up:/, env);
    try {
      await up.ready(60_000);
      const url = /health and metrics on (http:\/\/\S+)/.exec(up.output())?.[1];
      expect(url).toBeDefined();
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);

      const reads = Array.from({ length: 5 }, (_, i) => ({
        id: `read${i}`,
        tool: 'code.read',
        input: { root: '.', path: 'package.json', maxBytes: 64 },
      }));
      const file = join(dir, 'reads.json');
      writeFileSync(file, JSON.stringify({ phases: [{ id: 'p', tasks: reads }] }));
      const run = await runFanout(['run', file, '--json'], env);
      expect(run.code, run.stderr).toBe(0);

      const response = await fetch(`${url}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await response.text();
      expect(sample(text, 'fanout_tasks_total{tool="code.read",status="succeeded"}')).toBe(5);
      expect(sample(text, 'fanout_task_run_seconds_count{tool="code.read"}')).toBe(5);
      expect(sample(text, 'fanout_task_queue_seconds_count{tool="code.read",priority="2"}')).toBe(
        5,
      );
      expect(
        sample(text, 'fanout_commands_total{command="workflow.submit",outcome="handled"}'),
      ).toBe(1);
      // Every report of the five attempts was handled: at least their five results.
      expect(
        sample(text, 'fanout_commands_total{command="task.report",outcome="handled"}'),
      ).toBeGreaterThanOrEqual(5);
      expect(sample(text, 'fanout_pool_slots{tool="code.read",state="busy"}')).toBe(0);
      expect(sample(text, 'fanout_pool_slots{tool="code.read",state="free"}')).toBe(8);
      expect(sample(text, 'fanout_queue_depth{tool="code.read",priority="2"}')).toBe(0);
      expect(sample(text, 'fanout_nats_connected{service="orchestrator"}')).toBe(1);
      expect(sample(text, 'fanout_nats_connected{service="codebase-worker"}')).toBe(1);
    } finally {
      expect(await up.stop('SIGTERM')).toBe(0);
    }
  });
});
