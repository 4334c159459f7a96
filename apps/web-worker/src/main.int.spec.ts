import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { subjects } from '@fanout/contracts';
import { connectNats, ensureTopology, natsConfigFromEnv, TaskQueue } from '@fanout/messaging';
import { startNats, startService, type NatsServer } from '@fanout/testing';
import { ReportLog } from '@fanout/worker-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('web-worker, as a process', () => {
  let nats: NatsServer;
  let site: Server;
  let origin: string;
  beforeAll(async () => {
    nats = await startNats();
    site = createServer((req, res) => {
      if (req.url !== '/hello') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Hello</title></head><body><p>hello world</p></body></html>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await nats?.stop();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('runs a web.fetch task against a loopback page, reports the success, and exits 0 on SIGTERM', async () => {
    const names = subjects(`ww${process.pid}`);
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: names.prefix });
    const reader = await ReportLog.open(connection, names);
    const { reports } = reader;

    const worker = startService(nats.url, names.prefix, 'web-worker', {
      env: {
        // Tests only: opens the SSRF guard to this test's loopback server.
        FANOUT_WEB_ALLOW: '127.0.0.0/8',
      },
    });
    try {
      await worker.ready(25_000);

      const now = Date.now();
      await new TaskQueue(connection, names).dispatch({
        workflowId: 'wf-e2e',
        taskId: 'explore/fetch',
        attempt: 1,
        tool: 'web.fetch',
        input: { url: `${origin}/hello` },
        priority: 1,
        dispatchedAt: now,
        deadline: now + 30_000,
      });
      await expect
        .poll(() => reports.find((r) => r.outcome.kind === 'succeeded'), { timeout: 15_000 })
        .toMatchObject({
          workflowId: 'wf-e2e',
          taskId: 'explore/fetch',
          outcome: {
            kind: 'succeeded',
            result: { url: `${origin}/hello`, status: 200, title: 'Hello', text: 'hello world' },
          },
        });

      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(worker.output()).toMatch(/stopped: 1 tasks reported/);
    } finally {
      await worker.stop();
      await reader.stop();
      await connection.close();
    }
  });

  it('refuses to start, naming the setting, when its web settings are wrong', async () => {
    const worker = startService(nats.url, `wwbad${process.pid}`, 'web-worker', {
      env: { FANOUT_POOL_WEB_SEARCH: '64' },
    });
    try {
      await expect(worker.ready(25_000)).rejects.toThrow();
      expect(worker.output()).toMatch(
        /FANOUT_POOL_WEB_SEARCH must be a whole number of instances from 1 to 32, got "64"/,
      );
    } finally {
      await worker.stop();
    }
  });
});
