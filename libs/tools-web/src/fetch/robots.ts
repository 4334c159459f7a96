import robotsParser from 'robots-parser';
import { Lru } from './lru';

/** What robots.txt says about one URL for our user agent. */
export interface RobotsVerdict {
  allowed: boolean;
  /** `Crawl-delay` in milliseconds, when the site sets one. */
  crawlDelayMs?: number;
}

/** Fetches an origin's robots.txt: its status and (bounded) text, or throws. */
export type RobotsLoader = (
  robotsUrl: URL,
  signal: AbortSignal,
) => Promise<{ status: number; text: string }>;

type Rules = ReturnType<typeof robotsParser> | 'allow-all' | 'disallow-all';

/**
 * robots.txt per origin, parsed with `robots-parser`, cached (one load per origin even
 * when many fetches ask at once) and bounded. As RFC 9309 says: a 4xx means no rules,
 * a 5xx or an unreachable file means the whole site is off limits for now (and is
 * cached for a shorter while, so the site can recover).
 */
export class RobotsCache {
  private readonly cache: Lru<Promise<Rules>>;

  constructor(
    private readonly load: RobotsLoader,
    private readonly userAgent: string,
    private readonly ttlMs = 3_600_000,
    private readonly failureTtlMs = 60_000,
  ) {
    this.cache = new Lru(1_024, ttlMs);
  }

  /** Whether `url` may be fetched, and how far apart requests to its host should be. */
  async verdict(url: URL, signal: AbortSignal): Promise<RobotsVerdict> {
    const rules = await this.rules(url.origin, signal);
    if (rules === 'allow-all') return { allowed: true };
    if (rules === 'disallow-all') return { allowed: false };
    const delay = rules.getCrawlDelay(this.userAgent);
    return {
      allowed: rules.isAllowed(url.href, this.userAgent) !== false,
      ...(delay ? { crawlDelayMs: Math.min(delay, 30) * 1000 } : {}),
    };
  }

  private rules(origin: string, signal: AbortSignal): Promise<Rules> {
    const cached = this.cache.get(origin);
    if (cached) return cached;
    const robotsUrl = new URL('/robots.txt', origin);
    const loading = this.load(robotsUrl, signal).then(
      ({ status, text }): Rules => {
        if (status >= 200 && status < 300) return robotsParser(robotsUrl.href, text);
        if (status >= 400 && status < 500) return 'allow-all';
        this.cache.set(origin, Promise.resolve('disallow-all'), this.failureTtlMs);
        return 'disallow-all';
      },
      (error: unknown): Rules => {
        // Nothing cached when the asker gave up or the guard refused: the error is the answer.
        if (signal.aborted || (error as { code?: unknown }).code === 'SSRF_BLOCKED') {
          this.cache.delete(origin);
          throw error;
        }
        this.cache.set(origin, Promise.resolve('disallow-all'), this.failureTtlMs);
        return 'disallow-all';
      },
    );
    this.cache.set(origin, loading);
    return loading;
  }
}
