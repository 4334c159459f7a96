import { FanoutMetrics } from '@fanout/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { healthOptionsFromEnv, HealthServer } from './health-server';

describe('the health server', () => {
  let server: HealthServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('says ready only while the process is, and 503 while it starts or drains', async () => {
    let ready = false;
    const metrics = new FanoutMetrics();
    metrics.tasks.inc({ tool: 'code.grep', status: 'succeeded' });
    server = await HealthServer.start(
      { port: 0, host: '127.0.0.1' },
      { ready: () => ready, metrics },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    ready = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    ready = false; // draining
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('fanout_tasks_total{tool="code.grep",status="succeeded"} 1');
    expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
  });

  it('reads FANOUT_HTTP_PORT: 9464 by default, 0 for any, off for none, and names a bad one', () => {
    expect(healthOptionsFromEnv({})).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(healthOptionsFromEnv({ FANOUT_HTTP_PORT: '0', FANOUT_HTTP_HOST: '127.0.0.1' })).toEqual({
      port: 0,
      host: '127.0.0.1',
    });
    expect(healthOptionsFromEnv({ FANOUT_HTTP_PORT: 'off' }).port).toBeUndefined();
    expect(() => healthOptionsFromEnv({ FANOUT_HTTP_PORT: 'ninety' })).toThrow(
      'FANOUT_HTTP_PORT "ninety" is not a port',
    );
  });
});
