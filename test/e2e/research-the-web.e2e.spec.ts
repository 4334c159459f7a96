import { runFanout } from '@fanout/testing';
import { page, serve, type Handler, type TestServer } from '@fanout/tools-web/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const EXAMPLE = 'examples/research-the-web.yaml';
const DOCS = '127.0.0.7';
const CODE = '127.0.0.8';

/** An article at whatever path it is served on. */
const article: Handler = (req, res) => {
  const path = req.url ?? '/';
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><html><head><title>Article ${path}</title></head><body><article>` +
      `<h1>Article ${path}</h1><p>${'JetStream pull consumers fetch batches on demand. '.repeat(30)}</p>` +
      `</article></body></html>`,
  );
};

/** A site of articles at `paths`, with robots rules. */
function site(host: string, robots: string, paths: string[]): Promise<TestServer> {
  const articles = Object.fromEntries(paths.map((path) => [path, article]));
  return serve({ '/robots.txt': page(robots, 'text/plain'), ...articles }, host);
}

/** The pages a site was asked for, robots.txt aside. */
const pagesAskedOf = (server: TestServer) => server.hits.filter((hit) => hit !== '/robots.txt');

describe('examples/research-the-web.yaml against loopback search and sites (fanout run, embedded)', () => {
  const servers: TestServer[] = [];
  const queries: string[] = [];
  let docs: TestServer;
  let code: TestServer;
  let searx: string;

  beforeAll(async () => {
    docs = await site(DOCS, 'User-agent: *\nAllow: /\n', [
      '/docs/1',
      '/docs/2',
      '/docs/3',
      '/docs/4',
    ]);
    code = await site(CODE, 'User-agent: *\nDisallow: /private\n', [
      '/ex/1',
      '/ex/2',
      '/private/3',
    ]);
    // A SearXNG-shaped endpoint: documentation on one site, examples on the other, one of
    // which robots.txt keeps us from reading; a tracking parameter to be dropped.
    const search = await serve({
      '/search': (req, res) => {
        const query = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
        queries.push(query);
        const urls = query.includes('example')
          ? [
              `${code.origin}/ex/1?utm_source=feed`,
              `${code.origin}/ex/2`,
              `${code.origin}/private/3`,
            ]
          : [1, 2, 3, 4].map((n) => `${docs.origin}/docs/${n}`);
        const results = urls.map((url, i) => ({ url, title: `hit ${i}`, content: query }));
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
      },
    });
    servers.push(docs, code, search);
    searx = search.origin;
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('searches, reads every page found, and goes on without the one robots.txt refuses', async () => {
    const run = await runFanout(['run', EXAMPLE, '--json'], {
      NATS_URL: undefined,
      FANOUT_SUBJECT_PREFIX: undefined,
      FANOUT_SEARXNG_URL: searx,
      // Tests only: opens the SSRF guard to this test's loopback sites.
      FANOUT_WEB_ALLOW: '127.0.0.0/8',
      FANOUT_WEB_POLITENESS_MS: '0',
    });
    expect(run.code, run.stderr).toBe(0);
    const { summary, results } = JSON.parse(run.stdout);
    expect(summary).toMatchObject({ status: 'degraded', counts: { succeeded: 8, failed: 1 } });
    expect(queries.sort()).toEqual([
      'nats jetstream pull consumer',
      'nats.js jetstream consume example',
    ]);

    expect(results['search/docs'].results.map((r: { url: string }) => r.url)).toHaveLength(4);
    for (const n of [0, 1, 2, 3]) {
      expect(results[`read/docs/${n}`]).toMatchObject({
        title: `Article /docs/${n + 1}`,
        text: expect.stringContaining('JetStream pull consumers fetch batches on demand.'),
      });
    }
    // Read at the URL the search gave, its tracking parameter dropped.
    expect(results['read/examples/0'].url).toMatch(/^http:\/\/127\.0\.0\.8:\d+\/ex\/1$/);
    expect(results['read/examples/2']).toBeUndefined();
    expect(summary.tasks).toContainEqual(
      expect.objectContaining({
        taskId: 'read/examples/2',
        status: 'failed',
        error: expect.objectContaining({ code: 'ROBOTS_DISALLOWED' }),
      }),
    );
    expect(summary.phases).toContainEqual({
      phaseId: 'read',
      status: 'degraded',
      missing: ['read/examples/2'],
    });
    expect(pagesAskedOf(docs).sort()).toEqual(['/docs/1', '/docs/2', '/docs/3', '/docs/4']);
    expect(pagesAskedOf(code).sort()).toEqual(['/ex/1', '/ex/2']);
  });
});
