import { runFanout, startFanout, startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `up${process.pid}`;

describe('fanout up', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('runs only the services --only names, serves tool calls, and drains to exit 0 on SIGTERM', async () => {
    const env = { NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: PREFIX };
    const up = startFanout(['up', '--only', 'orchestrator,codebase-worker'], /fanout: up:/, env);
    try {
      await up.ready(60_000);
      expect(up.output()).toMatch(/up: orchestrator, codebase-worker on nats:\/\/127\.0\.0\.1/);
      const input = JSON.stringify({ root: '.', path: 'package.json', maxBytes: 200 });
      const call = await runFanout(['call', 'code.read', '--input', input, '--json'], env);
      expect(call.code, call.stderr).toBe(0);
      expect(JSON.parse(call.stdout)).toMatchObject({
        tool: 'code.read',
        status: 'succeeded',
        result: { content: expect.stringContaining('"name"') },
      });
      const status = await runFanout(['status'], env);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toMatch(/codebase-worker\s+\S+\s+\d+s ago\s+code\.glob \d+\/4 /);
      // The orchestrator says it is alive like every service, with the workflows it owns.
      expect(status.stdout).toMatch(/orchestrator\s+\S+\s+\d+s ago\s+workflows \d+\/\d+/);
      expect(status.stdout).not.toMatch(/bash-worker/);
      // No bash worker was started: its tool finds nobody, and waits out the timeout.
      const bash = await runFanout(
        ['call', 'bash.exec', '--input', '{"command":"true"}', '--timeout', '1500', '--json'],
        env,
      );
      expect(bash.code).not.toBe(0);
    } finally {
      expect(await up.stop('SIGTERM')).toBe(0);
    }
    expect(up.output()).toMatch(/SIGTERM, draining orchestrator, codebase-worker/);
    expect(up.output()).toMatch(/codebase-worker.*stopped: 1 tasks reported/);
  });

  it('refuses an unknown service name with exit 2, and unreachable NATS with exit 3; status sees no service', async () => {
    const unknown = await runFanout([
      'up',
      '--only',
      'orchestrator,gpu-worker',
      '--nats',
      nats.url,
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--only takes service names from orchestrator, codebase-worker/);
    const none = await runFanout(['status', '--nats', nats.url, '--prefix', `${PREFIX}none`]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/no live services/);
    const down = await runFanout(['up', '--nats', 'nats://127.0.0.1:1']);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/cannot reach NATS at nats:\/\/127\.0\.0\.1:1/);
  });
});
