import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, resultOf } from '@fanout/testing';
import { serve, type TestServer } from '../testing/serve';
import { searxng } from './providers';
import { WebSearcher, type SearchOptions } from './searcher';

const ctx = () => ({ signal: new AbortController().signal });
const ask = (query: string, more: Record<string, unknown> = {}) => ({ query, count: 10, ...more });
const hit = (url: string) => ({ url, title: url, content: '' });

/** What each engine answers, by query. */
const ANSWERS: Record<string, { a: string[]; b: string[] }> = {
  agree: {
    a: [
      'https://x.com/1?utm_source=a',
      'https://y.com/1',
      'https://shared.org/page#top',
      'https://z.com/1',
    ],
    b: ['https://shared.org:443/page', 'https://w.com/1', 'https://y.com/1?fbclid=1'],
  },
  crowded: {
    a: ['https://a.com/1', 'https://www.a.com/2', 'https://a.com/3', 'https://b.com/1'],
    b: [],
  },
  half: { a: ['https://x.com/1'], b: [] },
};

function engine(which: 'a' | 'b', hold: () => Promise<void> = async () => undefined) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
    await hold();
    if (q === 'down' || (q === 'half' && which === 'b')) return void res.writeHead(503).end();
    const urls = ANSWERS[q]?.[which] ?? [];
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ query: q, results: urls.map(hit) }));
  };
}

describe('web.search fanned out to several providers', () => {
  let a: TestServer;
  let b: TestServer;
  let release = () => undefined as void;
  let held = Promise.resolve();
  let bAnswered = 0;
  beforeAll(async () => {
    a = await serve({ '/search': engine('a') });
    b = await serve({
      '/search': engine('b', async () => {
        await held;
        bAnswered += 1;
      }),
    });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  const searcher = (more: Partial<SearchOptions> = {}) =>
    new WebSearcher({
      providers: [
        { ...searxng(a.origin), name: 'a' },
        { ...searxng(b.origin), name: 'b' },
      ],
      fanOut: ['a', 'b'],
      ...more,
    });

  it('merges by canonical URL and ranks what both engines agree on first', async () => {
    const result = await resultOf(searcher().search(ask('agree'), ctx()));
    expect(result.provider).toBe('a+b');
    expect(result.results.map((r) => [r.url, r.rank, r.provider])).toEqual([
      ['https://shared.org/page', 1, 'a'],
      ['https://y.com/1', 2, 'a'],
      ['https://x.com/1', 3, 'a'],
      ['https://w.com/1', 4, 'b'],
      ['https://z.com/1', 5, 'a'],
    ]);
    expect(result.results[0]?.score).toBeCloseTo(1 / 63 + 1 / 61);
  });

  it('streams each result once, as soon as the engine that found it answers', async () => {
    held = new Promise<void>((open) => {
      release = open;
      setTimeout(open, 2_000); // so a search that waits for every engine fails, not hangs
    });
    const before = bAnswered;
    const run = searcher().search(ask('agree'), ctx());
    const first = await run.next();
    const bHadAnswered = bAnswered > before;
    release();
    const { items } = await drain(run);
    expect(bHadAnswered).toBe(false);
    expect(first.value).toMatchObject({ url: 'https://x.com/1', rank: 1, provider: 'a' });
    expect(items.map((r) => [r.url, r.rank, r.provider])).toEqual([
      ['https://y.com/1', 2, 'a'],
      ['https://shared.org/page', 3, 'a'],
      ['https://z.com/1', 4, 'a'],
      ['https://w.com/1', 2, 'b'],
    ]);
  });

  it('keeps at most perDomain results of one site ahead of the others', async () => {
    const result = await resultOf(searcher({ perDomain: 1 }).search(ask('crowded'), ctx()));
    expect(result.results.map((r) => [r.url, r.rank])).toEqual([
      ['https://a.com/1', 1],
      ['https://b.com/1', 2],
      ['https://www.a.com/2', 3],
      ['https://a.com/3', 4],
    ]);
  });

  it('answers with the engines that answered when one fails, and fails when all do', async () => {
    const result = await resultOf(searcher().search(ask('half'), ctx()));
    expect(result).toMatchObject({ provider: 'a', results: [{ url: 'https://x.com/1' }] });
    await expect(resultOf(searcher().search(ask('down'), ctx()))).rejects.toMatchObject({
      code: 'PROVIDER_ERROR',
      retryable: true,
    });
  });

  it('asks only the provider the input names', async () => {
    const result = await resultOf(searcher().search(ask('agree', { provider: 'b' }), ctx()));
    expect(result.provider).toBe('b');
    expect(result.results.map((r) => r.url)).toEqual([
      'https://shared.org/page',
      'https://w.com/1',
      'https://y.com/1',
    ]);
  });

  it('refuses a fan-out list naming a provider that does not exist', () => {
    expect(() => searcher({ fanOut: ['a', 'nope'] })).toThrow(/nope/);
  });
});
