import { describe, expect, it } from 'vitest';
import { serve } from '../testing/serve';
import { WebFetcher } from './fetcher';

const ctx = { signal: new AbortController().signal };
const input = (url: string) => ({
  url,
  extract: 'text' as const,
  maxBytes: 10_000,
  timeoutMs: 5_000,
});

describe('per-host politeness', () => {
  it('keeps at most the per-host limit of requests in flight to one host', async () => {
    let inFlight = 0;
    let most = 0;
    const site = await serve({
      '/slow': (_req, res) => {
        most = Math.max(most, ++inFlight);
        setTimeout(() => {
          inFlight -= 1;
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        }, 50);
      },
    });
    const fetcher = new WebFetcher({
      allow: ['127.0.0.0/8'],
      politenessDelayMs: 0,
      perHostConcurrency: 2,
    });
    try {
      await Promise.all(
        Array.from({ length: 8 }, (_, i) => fetcher.fetch(input(`${site.origin}/slow?${i}`), ctx)),
      );
      expect(most).toBe(2);
    } finally {
      await fetcher.close();
      await site.close();
    }
  });

  it('spaces request starts to one host by the politeness delay, and by Crawl-delay when larger', async () => {
    const starts: number[] = [];
    const site = await serve({
      '/robots.txt': (_req, res) =>
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end('User-agent: *\nCrawl-delay: 0.2\n'),
      '/p': (_req, res) => {
        starts.push(Date.now());
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      },
    });
    const fetcher = new WebFetcher({ allow: ['127.0.0.0/8'], politenessDelayMs: 100 });
    try {
      await Promise.all(
        Array.from({ length: 3 }, (_, i) => fetcher.fetch(input(`${site.origin}/p?${i}`), ctx)),
      );
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
      // Arrivals, not starts, are what the site sees: a request delayed on its way shortens
      // the gap after it a little. Well over the 100 ms politeness delay is the point.
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(150);
    } finally {
      await fetcher.close();
      await site.close();
    }
  });
});
