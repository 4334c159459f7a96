import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { page, serve } from '../testing/serve';
import { WebFetcher, type FetchOptions } from './fetcher';
import { productToken } from './robots';

const ctx = (signal = new AbortController().signal) => ({ signal });
const fetchOf = (url: string) => ({
  url,
  extract: 'text' as const,
  maxBytes: 10_000,
  timeoutMs: 5_000,
});

/** A fetcher of loopback sites with no politeness delay, closed by the caller. */
const loopbackFetcher = (options: FetchOptions = {}) =>
  new WebFetcher({ allow: ['127.0.0.0/8'], politenessDelayMs: 0, ...options });

const PAGE = page('<title>Page</title><p>here</p>');

describe('robots.txt shared by the fetches of a site', () => {
  it('goes on loading for the other fetches when the first one is cancelled', async () => {
    // robots.txt is held until the test answers it, so the cancel lands while it loads.
    let robots: ServerResponse | undefined;
    const site = await serve({ '/robots.txt': (_req, res) => void (robots = res), '/page': PAGE });
    const fetcher = loopbackFetcher();
    try {
      const first = new AbortController();
      const cancelled = fetcher.fetch(fetchOf(`${site.origin}/page?1`), ctx(first.signal));
      const other = fetcher.fetch(fetchOf(`${site.origin}/page?2`), ctx());
      await expect.poll(() => robots).toBeDefined();
      first.abort();
      // The cancelled fetch stops waiting at once: robots.txt has not been answered yet.
      await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' });
      robots!.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
      await expect(other).resolves.toMatchObject({ status: 200, title: 'Page' });
      expect(site.hits.filter((hit) => hit === '/robots.txt')).toHaveLength(1);
      expect(site.hits).toContain('/page?2');
      expect(site.hits).not.toContain('/page?1');
    } finally {
      await fetcher.close();
      await site.close();
    }
  });

  it('gives up a robots.txt that does not come within its own time limit, as unreachable', async () => {
    const site = await serve({ '/robots.txt': () => undefined, '/page': PAGE });
    const fetcher = loopbackFetcher({ robotsTimeoutMs: 200 });
    try {
      const started = Date.now();
      // RFC 9309: an unreachable robots.txt puts the whole site off limits for now.
      await expect(fetcher.fetch(fetchOf(`${site.origin}/page`), ctx())).rejects.toMatchObject({
        code: 'ROBOTS_DISALLOWED',
      });
      // Long before the fetch's own 5 s deadline or the 15 s header timeout.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(site.hits).not.toContain('/page');
    } finally {
      await fetcher.close();
      await site.close();
    }
  });

  it('closes without waiting for a robots.txt load no fetch waits on anymore', async () => {
    const site = await serve({ '/robots.txt': () => undefined, '/page': PAGE });
    const fetcher = loopbackFetcher();
    try {
      const cancel = new AbortController();
      const fetching = fetcher.fetch(fetchOf(`${site.origin}/page`), ctx(cancel.signal));
      await expect.poll(() => site.hits).toContain('/robots.txt');
      cancel.abort();
      await expect(fetching).rejects.toMatchObject({ code: 'CANCELLED' });
      const closing = Date.now();
      await fetcher.close();
      // The load alone would hold the pool open for the 15 s header timeout.
      expect(Date.now() - closing).toBeLessThan(1_000);
    } finally {
      await site.close();
    }
  });
});

describe('robots.txt judged for the user agent sent', () => {
  it.each([
    { userAgent: 'MyCrawler/2.0 (+https://crawler.test/about)', token: 'MyCrawler' },
    { userAgent: 'MyCrawler', token: 'MyCrawler' },
    { userAgent: '  My_Crawler-2 (compatible)', token: 'My_Crawler-2' },
    { userAgent: '(no product)', token: '*' },
    { userAgent: '', token: '*' },
  ])('knows the User-Agent $userAgent as $token', ({ userAgent, token }) => {
    expect(productToken(userAgent)).toBe(token);
  });

  const MY_CRAWLER = 'MyCrawler/2.0 (+https://crawler.test/about)';

  /**
   * Fetches /page of a site serving `robots`, as `userAgent` (the default when none):
   * the refusal's code, or the User-Agent the page was asked with.
   */
  async function outcome(
    robots: string,
    userAgent?: string,
  ): Promise<{ code?: unknown; pageAskedBy?: string }> {
    let pageAskedBy: string | undefined;
    const site = await serve({
      '/robots.txt': page(robots, 'text/plain'),
      '/page': (req, res) => {
        pageAskedBy = req.headers['user-agent'];
        PAGE(req, res);
      },
    });
    const fetcher = loopbackFetcher(userAgent ? { userAgent } : {});
    try {
      await fetcher.fetch(fetchOf(`${site.origin}/page`), ctx());
      return { pageAskedBy };
    } catch (error) {
      return { code: (error as { code?: unknown }).code };
    } finally {
      await fetcher.close();
      await site.close();
    }
  }

  it('refuses a page robots.txt disallows for the product token of the userAgent option', async () => {
    const robots = 'User-agent: MyCrawler\nDisallow: /\n\nUser-agent: FanoutBot\nAllow: /\n';
    expect(await outcome(robots, MY_CRAWLER)).toEqual({ code: 'ROBOTS_DISALLOWED' });
    expect(await outcome(robots)).toEqual({ pageAskedBy: expect.stringMatching(/^FanoutBot\//) });
  });

  it('fetches a page robots.txt allows for that token, though it disallows FanoutBot', async () => {
    const robots = 'User-agent: FanoutBot\nDisallow: /\n\nUser-agent: MyCrawler\nAllow: /\n';
    expect(await outcome(robots, MY_CRAWLER)).toEqual({ pageAskedBy: MY_CRAWLER });
    expect(await outcome(robots)).toEqual({ code: 'ROBOTS_DISALLOWED' });
  });
});
