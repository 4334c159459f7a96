import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultOf } from '@fanout/testing';
import { serve, type TestServer } from '../testing/serve';
import { brave, genericJson, searxng } from './providers';
import { WebSearcher } from './searcher';

const ctx = () => ({ signal: new AbortController().signal });
const ask = (query: string, more: Record<string, unknown> = {}) => ({ query, count: 10, ...more });

const RESULTS = [
  {
    url: 'https://Docs.Example.com:443/guide?utm_source=x&id=2#intro',
    title: 'Guide',
    content: 'the guide',
    score: 3,
  },
  { url: 'https://docs.example.com/guide?id=2', title: 'Guide again', content: 'dup', score: 2 },
  { url: 'http://blog.other.org/post?fbclid=abc', title: 'Post', content: 'a post', score: 1 },
  { url: 'https://www.example.com/', title: 'Home', content: 'home' },
  { url: 'not a url', title: 'Broken', content: '' },
];

describe('web.search', () => {
  let server: TestServer;
  const queries: string[] = [];
  /** When each query reached the server. */
  const arrivedAt = new Map<string, number>();
  beforeAll(async () => {
    server = await serve({
      '/search': (req, res) => {
        const q = new URL(req.url!, 'http://x').searchParams.get('q') ?? '';
        queries.push(q);
        arrivedAt.set(q, Date.now());
        if (q === 'slow down') return void res.writeHead(429, { 'retry-after': '3' }).end();
        if (q === 'pause a second') return void res.writeHead(429, { 'retry-after': '1' }).end();
        if (q === 'broken') return void res.writeHead(503).end();
        if (q === 'bad request') return void res.writeHead(400).end();
        if (q === 'not json') return void res.writeHead(200).end('<html>maintenance</html>');
        if (q === 'endless') return void res.writeHead(200).end(`[${'0,'.repeat(5_000_000)}0]`);
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ query: q, results: RESULTS }));
      },
      '/res/v1/web/search': (req, res) => {
        const ok = req.headers['x-subscription-token'] === 'key';
        res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            web: {
              results: [{ url: 'https://brave.example/a', title: 'A', description: 'from brave' }],
            },
          }),
        );
      },
      '/api': (_req, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            data: {
              items: [{ link: 'https://g.example/x', name: 'X', summary: { text: 'generic' } }],
            },
          }),
        ),
    });
  });
  afterAll(async () => server?.close());

  const searcher = (rates?: Record<string, number>) =>
    new WebSearcher({
      ...(rates ? { rates } : {}),
      providers: [
        searxng(server.origin),
        brave('key', `${server.origin}/res/v1/`),
        genericJson({
          name: 'generic',
          urlTemplate: `${server.origin}/api?q={query}&n={count}`,
          resultsPath: 'data.items',
          titlePath: 'name',
          urlPath: 'link',
          snippetPath: 'summary.text',
        }),
      ],
    });

  it('returns canonical, deduplicated results ranked in the provider order', async () => {
    const result = await resultOf(searcher().search(ask('rust async'), ctx()));
    expect(result.provider).toBe('searxng');
    expect(result.results).toEqual([
      {
        url: 'https://docs.example.com/guide?id=2',
        title: 'Guide',
        snippet: 'the guide',
        rank: 1,
        score: 3,
        provider: 'searxng',
      },
      {
        url: 'http://blog.other.org/post',
        title: 'Post',
        snippet: 'a post',
        rank: 2,
        score: 1,
        provider: 'searxng',
      },
      {
        url: 'https://www.example.com/',
        title: 'Home',
        snippet: 'home',
        rank: 3,
        provider: 'searxng',
      },
    ]);
  });

  it('keeps only the domains asked for and drops the excluded ones', async () => {
    const s = searcher();
    const kept = await resultOf(s.search(ask('domains', { domains: ['example.com'] }), ctx()));
    expect(kept.results.map((r) => r.url)).toEqual([
      'https://docs.example.com/guide?id=2',
      'https://www.example.com/',
    ]);
    const dropped = await resultOf(
      s.search(ask('domains', { exclude: ['docs.example.com'] }), ctx()),
    );
    expect(dropped.results.map((r) => r.rank)).toEqual([1, 2]);
  });

  it('asks the provider once for the same query however it is spelled', async () => {
    const s = searcher();
    const before = queries.length;
    await Promise.all([
      resultOf(s.search(ask('  Cache   Me “please” '), ctx())),
      resultOf(s.search(ask('cache me "please"'), ctx())),
    ]);
    await resultOf(s.search(ask('CACHE ME " please "'), ctx()));
    expect(queries.length - before).toBe(1);
    expect(queries.at(-1)).toBe('cache me "please"');
  });

  it('maps 429 to retryable RATE_LIMITED with retryAfterMs, 5xx to retryable, 4xx to final', async () => {
    // A searcher each: after the 429 its provider is held for the Retry-After.
    await expect(resultOf(searcher().search(ask('slow down'), ctx()))).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 3_000,
    });
    await expect(resultOf(searcher().search(ask('broken'), ctx()))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
    });
    await expect(resultOf(searcher().search(ask('bad request'), ctx()))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: false,
    });
  });

  it('refuses an answer that is not JSON, or longer than any page of results', async () => {
    await expect(resultOf(searcher().search(ask('not json'), ctx()))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      message: expect.stringContaining('sent no JSON'),
    });
    await expect(resultOf(searcher().search(ask('endless'), ctx()))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: false,
      message: expect.stringContaining('over 8388608 bytes'),
    });
  });

  it("spaces calls to a provider by its rate, whatever the pool's width", async () => {
    const s = searcher({ searxng: 5 }); // one call every 200 ms
    const asked = ['paced one', 'paced two', 'paced three'];
    await Promise.all(asked.map((q) => resultOf(s.search(ask(q), ctx()))));
    const times = asked.map((q) => arrivedAt.get(q)!).sort((a, b) => a - b);
    // Arrivals, not starts: a request delayed on its way (a loaded machine) shortens the
    // gap after it a little, never by a whole turn.
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(150);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(150);
  });

  it("holds a provider for a 429's Retry-After, for every search that follows", async () => {
    const s = searcher();
    await expect(resultOf(s.search(ask('pause a second'), ctx()))).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 1_000,
    });
    const refusedAt = arrivedAt.get('pause a second')!;
    const after = await resultOf(s.search(ask('after the pause'), ctx()));
    expect(after.results.length).toBeGreaterThan(0);
    expect(arrivedAt.get('after the pause')! - refusedAt).toBeGreaterThanOrEqual(950);
  });

  it('a cancelled task stops waiting for its turn at a paced provider', async () => {
    const s = searcher({ searxng: 0.2 }); // one call every 5 s
    await resultOf(s.search(ask('first of the slow'), ctx()));
    const controller = new AbortController();
    const waiting = resultOf(s.search(ask('second of the slow'), { signal: controller.signal }));
    setTimeout(() => controller.abort(), 50);
    await expect(waiting).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('does not cache a failure', async () => {
    const s = searcher();
    const before = queries.length;
    await expect(resultOf(s.search(ask('broken'), ctx()))).rejects.toThrow();
    await expect(resultOf(s.search(ask('broken'), ctx()))).rejects.toThrow();
    expect(queries.length - before).toBe(2);
  });

  it('talks to Brave and to a generic JSON endpoint described by config', async () => {
    const s = searcher();
    expect(
      (await resultOf(s.search(ask('q', { provider: 'brave' }), ctx()))).results,
    ).toMatchObject([{ url: 'https://brave.example/a', snippet: 'from brave', provider: 'brave' }]);
    expect(
      (await resultOf(s.search(ask('q', { provider: 'generic' }), ctx()))).results,
    ).toMatchObject([{ url: 'https://g.example/x', title: 'X', snippet: 'generic', rank: 1 }]);
  });

  it("runs a search tagged with a category in that category's share of the pool", async () => {
    const result = await resultOf(
      searcher().search(ask('categorised', { category: 'security' }), ctx()),
    );
    expect(result.results).toHaveLength(3);
  });

  it('refuses an unknown provider, naming the ones there are, or how to configure one', async () => {
    await expect(
      resultOf(searcher().search(ask('q', { provider: 'nope' }), ctx())),
    ).rejects.toMatchObject({
      code: 'NO_SEARCH_PROVIDER',
      message: expect.stringMatching(/^no search provider "nope" is configured; there are searxng/),
    });
    await expect(
      resultOf(new WebSearcher({ providers: [] }).search(ask('q'), ctx())),
    ).rejects.toMatchObject({
      code: 'NO_SEARCH_PROVIDER',
      message: expect.stringContaining('set FANOUT_SEARXNG_URL, FANOUT_BRAVE_API_KEY or'),
    });
  });

  it('times out retryably when the provider hangs', async () => {
    const hang = await serve({ '/search': () => undefined });
    try {
      const s = new WebSearcher({
        providers: [
          {
            ...searxng(hang.origin),
            search: (q, n, signal, http) => searxngWithTimeout(http, hang.origin, q, signal),
          },
        ],
      });
      await expect(resultOf(s.search(ask('q'), ctx()))).rejects.toMatchObject({
        code: 'TIMEOUT',
        retryable: true,
      });
    } finally {
      await hang.close();
    }
  });
});

async function searxngWithTimeout(
  http: Dispatcher,
  origin: string,
  query: string,
  signal: AbortSignal,
) {
  const { getJson } = await import('./provider-http');
  const url = new URL(`${origin}/search?q=${encodeURIComponent(query)}&format=json`);
  await getJson(http, 'searxng', url, signal, {}, 200);
  return [];
}
