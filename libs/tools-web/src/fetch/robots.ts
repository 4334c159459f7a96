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
  private readonly cache: Lru<Entry>;

  constructor(
    private readonly load: RobotsLoader,
    private readonly userAgent: string,
    private readonly ttlMs = 3_600_000,
    private readonly failureTtlMs = 60_000,
  ) {
    this.cache = new Lru(1_024, ttlMs);
  }

  /**
   * Whether `url` may be fetched, and how far apart requests to its host should be: at
   * once when the origin's rules are loaded (the common case, and no reason to wait a
   * turn of the event loop), a promise while they load.
   */
  verdict(url: URL, signal: AbortSignal): RobotsVerdict | Promise<RobotsVerdict> {
    const entry = this.entry(url.origin, signal);
    if (entry.rules) return this.judge(entry.rules, url);
    return entry.loading.then((rules) => this.judge(rules, url));
  }

  private judge(rules: Rules, url: URL): RobotsVerdict {
    if (rules === 'allow-all') return ALLOWED;
    if (rules === 'disallow-all') return DISALLOWED;
    const delay = rules.getCrawlDelay(this.userAgent);
    return {
      allowed: rules.isAllowed(url.href, this.userAgent) !== false,
      ...(delay ? { crawlDelayMs: Math.min(delay, 30) * 1000 } : {}),
    };
  }

  private entry(origin: string, signal: AbortSignal): Entry {
    const cached = this.cache.get(origin);
    if (cached) return cached;
    const robotsUrl = new URL('/robots.txt', origin);
    const failed = (): Rules => {
      this.cache.set(origin, settled('disallow-all'), this.failureTtlMs);
      return 'disallow-all';
    };
    const entry: Entry = {
      loading: this.load(robotsUrl, signal).then(
        ({ status, text }): Rules => {
          if (status >= 200 && status < 300) return robotsParser(robotsUrl.href, text);
          if (status >= 400 && status < 500) return 'allow-all';
          return failed();
        },
        (error: unknown): Rules => {
          // Nothing cached when the asker gave up or the guard refused: the error is the answer.
          if (signal.aborted || (error as { code?: unknown }).code === 'SSRF_BLOCKED') {
            this.cache.delete(origin);
            throw error;
          }
          return failed();
        },
      ),
    };
    entry.loading.then(
      (rules) => (entry.rules = rules),
      () => undefined,
    );
    this.cache.set(origin, entry);
    return entry;
  }
}

/** An origin's rules: loading, and once loaded, at hand without awaiting. */
interface Entry {
  loading: Promise<Rules>;
  rules?: Rules;
}

const settled = (rules: Rules): Entry => ({ loading: Promise.resolve(rules), rules });
const ALLOWED: RobotsVerdict = Object.freeze({ allowed: true });
const DISALLOWED: RobotsVerdict = Object.freeze({ allowed: false });
