import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFanout } from '@fanout/testing';
import { serve, type Handler, type TestServer } from '@fanout/tools-web/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** How long the slow site takes over each page. */
const SLOW_PAGE_MS = 1_000;

interface Arrival {
  host: string;
  path: string;
  at: number;
}

/** A site on its own loopback address serving `paths`, noting when each was asked for. */
function site(host: string, paths: string[], delayMs: number, arrivals: Arrival[]) {
  const answer: Handler = (req, res) => {
    arrivals.push({ host, path: req.url ?? '', at: Date.now() });
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`page ${req.url} of ${host}`);
    }, delayMs);
  };
  return serve(Object.fromEntries(paths.map((path) => [path, answer])), host);
}

describe('a batch of fetches heavy on one site (fanout run, embedded)', () => {
  const arrivals: Arrival[] = [];
  const sites: TestServer[] = [];
  let dir: string;
  let workflow: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-spread-'));
    const slowPaths = Array.from({ length: 12 }, (_, i) => `/slow/${i}`);
    const slow = await site('127.0.0.2', slowPaths, SLOW_PAGE_MS, arrivals);
    const fastHosts = ['127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6'];
    const fast = await Promise.all(fastHosts.map((host) => site(host, ['/fast'], 0, arrivals)));
    sites.push(slow, ...fast);
    // The slow site's twelve pages come first in the document, the other sites' last.
    const urls = [
      ...slowPaths.map((path) => `${slow.origin}${path}`),
      ...fast.map((server) => `${server.origin}/fast`),
    ];
    const tasks = urls.map(
      (url, i) =>
        `      - id: page-${i}\n        tool: web.fetch\n        input: { url: '${url}', extract: text }`,
    );
    workflow = join(dir, 'batch.yaml');
    await writeFile(
      workflow,
      ['budget:', '  maxConcurrency: 8', 'phases:', '  - id: read', '    tasks:', ...tasks].join(
        '\n',
      ),
    );
  });

  afterAll(async () => {
    for (const server of sites) await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fetches the other sites at once while the busy one is worked through four at a time', async () => {
    const run = await runFanout(['run', workflow, '--json'], {
      NATS_URL: undefined,
      FANOUT_SUBJECT_PREFIX: undefined,
      // Tests only: opens the SSRF guard to this test's loopback sites.
      FANOUT_WEB_ALLOW: '127.0.0.0/8',
      FANOUT_WEB_POLITENESS_MS: '0',
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).summary).toMatchObject({
      status: 'succeeded',
      counts: { succeeded: 16 },
    });

    const slow = arrivals.filter((arrival) => arrival.host === '127.0.0.2');
    const fast = arrivals.filter((arrival) => arrival.host !== '127.0.0.2');
    expect(slow).toHaveLength(12);
    expect(fast).toHaveLength(4);
    // Never more than four of the slow site's pages at once: its fifth waited for its first.
    expect(slow[4]!.at - slow[0]!.at).toBeGreaterThanOrEqual(SLOW_PAGE_MS - 50);
    // Placed last in the batch, the other sites were still not kept waiting behind it.
    for (const arrival of fast) expect(arrival.at).toBeLessThan(slow[4]!.at);
  });
});
