import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { page, redirect, serve, type TestServer } from '../testing/serve';
import { WebFetcher } from './fetcher';

const ctx = (signal = new AbortController().signal) => ({ signal });
const input = (
  url: string,
  more: Partial<{
    extract: 'readable' | 'text' | 'html';
    maxBytes: number;
    timeoutMs: number;
  }> = {},
) => ({
  url,
  extract: 'text' as const,
  maxBytes: 1_000_000,
  timeoutMs: 5_000,
  ...more,
});

const ARTICLE = `<!doctype html><html><head><title> A  Page </title><style>p{}</style></head><body>
<nav><a href="/home">Home</a> <a href="/home#top">Home again</a> <a href="mailto:x@y">mail</a></nav>
<article><h1>Heading</h1><p>${'The main text of the article goes on. '.repeat(30)}</p>
<p>See <a href="https://example.org/other?a=1">other</a> and <a href="sub/page">sub</a>.</p></article>
<script>var hidden = 1;</script></body></html>`;

describe('web.fetch', () => {
  let site: TestServer;
  let etagHits = 0;
  let etagNotModified = 0;
  let declaredHugeFinished: boolean | undefined;
  const fetcher = new WebFetcher({
    allow: ['127.0.0.0/8'],
    politenessDelayMs: 0,
    headersTimeoutMs: 300,
    bodyTimeoutMs: 300,
  });

  beforeAll(async () => {
    site = await serve({
      '/robots.txt': page('User-agent: *\nDisallow: /private\n', 'text/plain'),
      '/article': page(ARTICLE),
      '/private/page': page('secret'),
      '/json': page('{"a":1}', 'application/json'),
      // 'Привет' in windows-1251, which only the meta names.
      '/cp1251': page(
        Buffer.concat([
          Buffer.from('<html><head><meta charset="windows-1251"><title>'),
          Buffer.from([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]),
          Buffer.from('</title></head><body><p>&laquo;x&raquo;</p></body></html>'),
        ]),
        'text/html',
      ),
      '/binary': page('\u0000\u0001PNG', 'image/png'),
      '/huge': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(64 * 1024);
        let sent = 0;
        const more = () => {
          while (sent < 200 && res.write(chunk)) sent += 1;
          if (sent < 200) res.once('drain', more);
          else res.end();
        };
        more();
      },
      '/declared-huge': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(50 << 20) });
        const chunk = 'y'.repeat(64 * 1024);
        const more = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', more);
        };
        res.once('close', () => (declaredHugeFinished = res.writableFinished));
        more();
      },
      '/declared-7': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'application/json', 'content-length': '7' })
          .end('{"a":1}'),
      '/slow': (_req, res) => void setTimeout(() => res.writeHead(200).end('late'), 2_000),
      '/limited': (_req, res) =>
        res.writeHead(429, { 'retry-after': '7', 'content-type': 'text/plain' }).end(),
      '/gone': (_req, res) => res.writeHead(404, { 'content-type': 'text/plain' }).end('no'),
      '/broken': (_req, res) => res.writeHead(502, { 'content-type': 'text/plain' }).end('bad'),
      '/a': redirect('/b'),
      '/b': redirect('/c', 301),
      '/c': page('<title>C</title><p>arrived</p>'),
      '/loop1': redirect('/loop2'),
      '/loop2': redirect('/loop1'),
      ...Object.fromEntries(
        Array.from({ length: 7 }, (_, i) => [`/r${i}`, redirect(`/r${i + 1}`)]),
      ),
      '/r7': page('end'),
      '/etag': (req, res) => {
        etagHits += 1;
        if (req.headers['if-none-match'] === '"v1"') {
          etagNotModified += 1;
          return void res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end();
        }
        res
          .writeHead(200, {
            'content-type': 'text/plain',
            etag: '"v1"',
            'cache-control': 'no-cache',
          })
          .end('cached body');
      },
      '/fresh': page('fresh for a minute', 'text/plain', { 'cache-control': 'max-age=60' }),
      '/no-store': page('never kept', 'text/plain', {
        'cache-control': 'no-store',
        'last-modified': 'Mon, 02 Nov 2026 10:00:00 GMT',
      }),
    });
  });
  afterAll(async () => {
    await fetcher.close();
    await site?.close();
  });

  it('extracts the readable text, title and absolute, deduplicated links of a page', async () => {
    const result = await fetcher.fetch(
      input(`${site.origin}/article`, { extract: 'readable' }),
      ctx(),
    );
    expect(result).toMatchObject({
      url: `${site.origin}/article`,
      status: 200,
      title: 'A Page',
      truncated: false,
    });
    expect(result.text).toContain('The main text of the article');
    expect(result.text).not.toContain('hidden');
    expect(result.links).toEqual([
      `${site.origin}/home`,
      'https://example.org/other?a=1',
      `${site.origin}/sub/page`,
    ]);
  });

  it('gives the whole visible text for text, and the markup for html', async () => {
    const text = await fetcher.fetch(input(`${site.origin}/article`), ctx());
    expect(text.text).toMatch(/^Home Home again mail\nHeading\nThe main text/);
    expect(text.text).not.toContain('var hidden');
    const html = await fetcher.fetch(input(`${site.origin}/article`, { extract: 'html' }), ctx());
    expect(html.text).toBe(ARTICLE);
  });

  it('decodes a page in the charset its <meta> names when the header names none', async () => {
    const out = await fetcher.fetch(input(`${site.origin}/cp1251`), ctx());
    expect({ title: out.title, text: out.text }).toEqual({ title: 'Привет', text: '«x»' });
  });

  it('returns JSON as it came', async () => {
    expect((await fetcher.fetch(input(`${site.origin}/json`), ctx())).text).toBe('{"a":1}');
  });

  it('refuses a page robots.txt disallows, and asks for robots.txt once per origin', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/private/page`), ctx())).rejects.toMatchObject({
      code: 'ROBOTS_DISALLOWED',
      retryable: false,
    });
    expect(site.hits.filter((h) => h === '/robots.txt')).toHaveLength(1);
    expect(site.hits).not.toContain('/private/page');
  });

  it('follows a redirect chain and reports the final URL', async () => {
    const result = await fetcher.fetch(input(`${site.origin}/a`), ctx());
    expect(result).toMatchObject({ url: `${site.origin}/c`, title: 'C' });
  });

  it('detects a redirect loop', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/loop1`), ctx())).rejects.toMatchObject({
      code: 'REDIRECT_LOOP',
    });
  });

  it('stops after five redirects', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/r0`), ctx())).rejects.toMatchObject({
      code: 'TOO_MANY_REDIRECTS',
    });
  });

  it('times out on a slow server, retryably', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/slow`), ctx())).rejects.toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
    });
  });

  it('truncates a huge body at maxBytes and stops reading', async () => {
    const result = await fetcher.fetch(input(`${site.origin}/huge`, { maxBytes: 100_000 }), ctx());
    expect(result).toMatchObject({ bytes: 100_000, truncated: true });
    expect(result.text).toHaveLength(100_000);
  });

  it('truncates a body whose Content-Length is over maxBytes, and stops the transfer', async () => {
    const result = await fetcher.fetch(
      input(`${site.origin}/declared-huge`, { maxBytes: 100_000 }),
      ctx(),
    );
    expect(result).toMatchObject({ status: 200, bytes: 100_000, truncated: true });
    expect(result.text).toBe('y'.repeat(100_000));
    await expect.poll(() => declaredHugeFinished).toBe(false);
  });

  it('reads a body of exactly maxBytes whole, with or without Content-Length', async () => {
    for (const path of ['/declared-7', '/json']) {
      const result = await fetcher.fetch(input(`${site.origin}${path}`, { maxBytes: 7 }), ctx());
      expect(result).toMatchObject({ text: '{"a":1}', bytes: 7, truncated: false });
    }
  });

  it('refuses a binary content type', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/binary`), ctx())).rejects.toMatchObject({
      code: 'CONTENT_TYPE',
      retryable: false,
    });
  });

  it('turns 429 with Retry-After into a retryable RATE_LIMITED with retryAfterMs', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/limited`), ctx())).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 7_000,
    });
  });

  it('retries 5xx but not 4xx', async () => {
    await expect(fetcher.fetch(input(`${site.origin}/gone`), ctx())).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      retryable: false,
    });
    await expect(fetcher.fetch(input(`${site.origin}/broken`), ctx())).rejects.toMatchObject({
      code: 'HTTP_ERROR',
      retryable: true,
    });
  });

  it('serves a page still fresh from the cache, and keeps none that says no-store', async () => {
    const hits = (path: string) => site.hits.filter((hit) => hit === path).length;
    const fresh = await fetcher.fetch(input(`${site.origin}/fresh`), ctx());
    expect(await fetcher.fetch(input(`${site.origin}/fresh`), ctx())).toEqual(fresh);
    expect(hits('/fresh')).toBe(1);
    await fetcher.fetch(input(`${site.origin}/no-store`), ctx());
    const again = await fetcher.fetch(input(`${site.origin}/no-store`), ctx());
    expect(again.text).toBe('never kept');
    expect(hits('/no-store')).toBe(2);
  });

  it('revalidates a cached page with its ETag and serves the stored body on 304', async () => {
    const first = await fetcher.fetch(input(`${site.origin}/etag`), ctx());
    const second = await fetcher.fetch(input(`${site.origin}/etag`), ctx());
    expect(second.text).toBe('cached body');
    expect(second).toEqual(first);
    expect(etagHits).toBe(2);
    expect(etagNotModified).toBe(1);
  });

  it('stops when the task is cancelled', async () => {
    const controller = new AbortController();
    const fetching = fetcher.fetch(
      input(`${site.origin}/slow`, { timeoutMs: 10_000 }),
      ctx(controller.signal),
    );
    setTimeout(() => controller.abort(), 50);
    await expect(fetching).rejects.toMatchObject({ code: 'CANCELLED', retryable: false });
  });
});
