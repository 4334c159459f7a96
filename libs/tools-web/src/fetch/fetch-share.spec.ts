import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type TestServer } from '../testing/serve';
import { ByteBucket } from './byte-bucket';
import { connectionCap, WebFetcher } from './fetcher';

const ctx = () => ({ signal: new AbortController().signal });
const input = (url: string) => ({
  url,
  extract: 'text' as const,
  maxBytes: 1_000_000,
  timeoutMs: 30_000,
});
const PAGE = 200_000;

/** A bucket that notes each draw: its size, and when by the bucket's own clock. */
class NotingBucket extends ByteBucket {
  readonly draws: { bytes: number; at: number }[] = [];
  constructor(rate: number) {
    super(rate, undefined, () => performance.now());
  }
  override take(bytes: number): number {
    this.draws.push({ bytes, at: performance.now() });
    return super.take(bytes);
  }
}

describe("web.fetch under the web family's byte rate", () => {
  let site: TestServer;
  let open = 0;
  let mostOpen = 0;

  beforeAll(async () => {
    const body = 'x'.repeat(PAGE);
    site = await serve({
      '/page': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(body),
      '/slow': (_req, res) => {
        open += 1;
        mostOpen = Math.max(mostOpen, open);
        setTimeout(() => {
          open -= 1;
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        }, 300);
      },
    });
  });
  afterAll(() => site.close());

  it('draws every body byte it reads from one bucket, all fetches together', async () => {
    const rate = 200_000;
    const bucket = new NotingBucket(rate);
    const fetcher = new WebFetcher({
      allow: ['127.0.0.0/8'],
      politenessDelayMs: 0,
      robots: false,
      byteBucket: bucket,
    });
    try {
      const pages = await Promise.all(
        [1, 2, 3, 4].map((n) => fetcher.fetch(input(`${site.origin}/page?n=${n}`), ctx())),
      );
      expect(pages.map((page) => page.bytes)).toEqual([PAGE, PAGE, PAGE, PAGE]);
      // Bytes drawn are the bytes read off the wire: the bodies, sent as they are.
      expect(bucket.granted).toBe(4 * PAGE);
      expect(bucket.waits).toBeGreaterThan(0);
      // By the bucket's clock, its first and last draws are as far apart as the rate
      // demands, less the burst and a read on each connection (a paused socket's reads
      // come in larger pieces).
      const { draws } = bucket;
      const span = (draws.at(-1)!.at - draws[0]!.at) / 1000;
      const largest = Math.max(...draws.map((draw) => draw.bytes));
      expect(span).toBeGreaterThanOrEqual((4 * PAGE - bucket.burstBytes - 4 * largest) / rate);
    } finally {
      await fetcher.close();
    }
  });

  it('caps the connections of a worker at one per 16 KiB/s of its rate', async () => {
    const fetcher = new WebFetcher({
      allow: ['127.0.0.0/8'],
      politenessDelayMs: 0,
      robots: false,
      bytesPerSec: 40 * 1024,
    });
    try {
      expect(fetcher.connections).toBe(2);
      expect(connectionCap(200_000)).toBe(12);
      expect(connectionCap(1_000)).toBe(1);
      mostOpen = 0;
      await Promise.all(
        [1, 2, 3, 4].map((n) => fetcher.fetch(input(`${site.origin}/slow?n=${n}`), ctx())),
      );
      expect(mostOpen).toBe(2);
    } finally {
      await fetcher.close();
    }
  });

  it('draws nothing and caps nothing without a rate', () => {
    const fetcher = new WebFetcher({ allow: ['127.0.0.0/8'] });
    expect(fetcher.bucket).toBeUndefined();
    expect(fetcher.connections).toBeUndefined();
    return fetcher.close();
  });
});
