import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { subjects, type TaskEnvelope } from '@fanout/contracts';
import { connectNats, ensureTopology, natsConfigFromEnv, TaskQueue } from '@fanout/messaging';
import { startNats, type NatsServer } from '@fanout/testing';
import { ReportLog } from '@fanout/worker-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootService } from '../boot-service';

describe('a web worker stopping', () => {
  let nats: NatsServer;
  let site: Server;
  let origin: string;
  /** The site's connections still open, as the site sees them. */
  const open = new Set<Socket>();
  beforeAll(async () => {
    nats = await startNats();
    // A page to fetch, and a SearXNG to search with one result.
    site = createServer((req, res) => {
      if (req.url?.startsWith('/search')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        const result = { url: 'https://example.com/', title: 'Found', content: 'found' };
        return void res.end(JSON.stringify({ results: [result] }));
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Kept</title></head><body>kept alive</body></html>');
    });
    // The site lets an idle connection live two minutes, and says so in its Keep-Alive
    // header: only the worker closing its pools ends one sooner.
    site.keepAliveTimeout = 120_000;
    site.on('connection', (socket: Socket) => {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await nats?.stop();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('closes the connections its fetches and searches kept alive', async () => {
    const names = subjects(`wshut${process.pid}`);
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: names.prefix });
    const reports = await ReportLog.open(connection, names);
    const app = await bootService('web-worker', {
      env: {
        NATS_URL: nats.url,
        FANOUT_SUBJECT_PREFIX: names.prefix,
        FANOUT_SEARXNG_URL: origin,
        FANOUT_WEB_ALLOW: '127.0.0.0/8', // tests only: opens the SSRF guard to the site
      },
      logger: false,
    });
    let closed = false;
    try {
      const queue = new TaskQueue(connection, names);
      const now = Date.now();
      const task = (taskId: string, tool: string, input: Record<string, unknown>) =>
        queue.dispatch({
          workflowId: 'wf-shutdown',
          taskId,
          attempt: 1,
          tool,
          input,
          priority: 1,
          dispatchedAt: now,
          deadline: now + 30_000,
          depth: 0,
        } satisfies TaskEnvelope);
      await task('explore/fetch', 'web.fetch', { url: `${origin}/page` });
      await task('explore/search', 'web.search', { query: 'kept alive' });
      const succeeded = (taskId: string) => () =>
        reports.reports.find((r) => r.taskId === taskId && r.outcome.kind === 'succeeded');
      await expect
        .poll(succeeded('explore/fetch'), { timeout: 15_000 })
        .toMatchObject({ outcome: { result: { title: 'Kept' } } });
      await expect
        .poll(succeeded('explore/search'), { timeout: 15_000 })
        .toMatchObject({ outcome: { result: { results: [{ title: 'Found' }] } } });
      expect(open.size).toBeGreaterThan(1); // the fetches' and the search's, idle in the pools

      await app.close();
      closed = true;
      // Left open, a connection would last the site's two minutes.
      await expect.poll(() => open.size, { timeout: 10_000 }).toBe(0);
    } finally {
      if (!closed) await app.close();
      await reports.stop();
      await connection.close();
    }
  });
});
