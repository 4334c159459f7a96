import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type TestServer } from '../testing/serve';
import { WebFetcher } from './fetcher';

const ctx = { signal: new AbortController().signal };
const fetchOf = (url: string, maxBytes = 1_000_000) => ({
  url,
  extract: 'text' as const,
  maxBytes,
  timeoutMs: 5_000,
});

const PAGE = `<html><head><title>Packed</title></head><body><p>${'words of a page '.repeat(200)}</p><a href="/next">next</a></body></html>`;
/** 20 MB of one letter: about 20 KB gzipped. */
const BOMB = gzipSync(Buffer.alloc(20 * 1_048_576, 'a'));

describe('web.fetch of compressed pages', () => {
  let site: TestServer;
  const asked: (string | undefined)[] = [];
  const fetcher = new WebFetcher({ allow: ['127.0.0.0/8'], politenessDelayMs: 0 });

  beforeAll(async () => {
    const packed = (encoding: string, body: Buffer) => ({
      'content-type': 'text/html; charset=utf-8',
      'content-encoding': encoding,
      'content-length': String(body.length),
    });
    site = await serve({
      '/gzip': (req, res) => {
        asked.push(req.headers['accept-encoding']);
        const body = gzipSync(PAGE);
        res.writeHead(200, packed('gzip', body)).end(body);
      },
      '/br': (_req, res) => {
        const body = brotliCompressSync(PAGE);
        res.writeHead(200, packed('br', body)).end(body);
      },
      '/bomb': (_req, res) => res.writeHead(200, packed('gzip', BOMB)).end(BOMB),
    });
  });

  afterAll(async () => {
    await fetcher.close();
    await site.close();
  });

  it('asks for gzip, deflate and brotli, and reads either as the page', async () => {
    for (const path of ['/gzip', '/br']) {
      const page = await fetcher.fetch(fetchOf(`${site.origin}${path}`), ctx);
      expect(page).toMatchObject({ status: 200, title: 'Packed', bytes: PAGE.length });
      expect(page.text).toContain('words of a page words of a page');
      expect(page.links).toEqual([`${site.origin}/next`]);
    }
    expect(asked).toEqual(['gzip, deflate, br']);
  });

  it('cuts a decompression bomb at maxBytes of output, not of what came over the wire', async () => {
    const page = await fetcher.fetch(fetchOf(`${site.origin}/bomb`, 1_000_000), ctx);
    expect(page).toMatchObject({ status: 200, truncated: true, bytes: 1_000_000 });
    expect(BOMB.length).toBeLessThan(100_000);
  });
});
