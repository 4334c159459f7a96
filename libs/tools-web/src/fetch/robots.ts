import robotsParser from 'robots-parser';
import { abortable } from '../wait';
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

/** An HTTP token (RFC 9110): what a product is named with. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/**
 * The name robots.txt groups know a crawler by: the token of the first product of its
 * User-Agent (`MyCrawler/2.0 (+https://…)` is `MyCrawler`), or `*`, the group for every
 * crawler, when the header starts with none.
 */
export function productToken(userAgent: string): string {
  return TOKEN.exec(userAgent.trim())?.[0] ?? '*';
}

/**
 * robots.txt per origin, parsed with `robots-parser`, cached (one load per origin even
 * when many fetches ask at once) and bounded. As RFC 9309 says: a 4xx means no rules,
 * a 5xx or an unreachable file (one that takes over `loadTimeoutMs` too) means the whole
 * site is off limits for now (and is cached for a shorter while, so the site can recover).
 */
export class RobotsCache {
  private readonly cache: Lru<Entry>;
  /** Stops the loads in flight, which no fetch's signal does, when the fetcher closes. */
  private readonly closing = new AbortController();
  /** Whose rules apply: the crawler the User-Agent sent names. */
  private readonly token: string;

  /** `userAgent` is the User-Agent header the fetches send, whole. */
  constructor(
    private readonly load: RobotsLoader,
    userAgent: string,
    private readonly loadTimeoutMs = 30_000,
    private readonly ttlMs = 3_600_000,
    private readonly failureTtlMs = 60_000,
  ) {
    this.cache = new Lru(1_024, ttlMs);
    this.token = productToken(userAgent);
  }

  /**
   * Whether `url` may be fetched, and how far apart requests to its host should be: at
   * once when the origin's rules are loaded (the common case, and no reason to wait a
   * turn of the event loop), a promise while they load, which rejects as soon as
   * `signal` aborts.
   */
  verdict(url: URL, signal: AbortSignal): RobotsVerdict | Promise<RobotsVerdict> {
    const entry = this.entry(url.origin);
    if (entry.rules) return this.judge(entry.rules, url);
    return abortable(entry.loading, signal, `waiting for ${url.origin}/robots.txt`).then((rules) =>
      this.judge(rules, url),
    );
  }

  /** Stops the loads in flight: a closing fetcher need not wait for them. */
  close(): void {
    this.closing.abort();
  }

  private judge(rules: Rules, url: URL): RobotsVerdict {
    if (rules === 'allow-all') return ALLOWED;
    if (rules === 'disallow-all') return DISALLOWED;
    const delay = rules.getCrawlDelay(this.token);
    return {
      allowed: rules.isAllowed(url.href, this.token) !== false,
      ...(delay ? { crawlDelayMs: Math.min(delay, 30) * 1000 } : {}),
    };
  }

  private entry(origin: string): Entry {
    const cached = this.cache.get(origin);
    if (cached) return cached;
    const robotsUrl = new URL('/robots.txt', origin);
    const failed = (): Rules => {
      this.cache.set(origin, settled('disallow-all'), this.failureTtlMs);
      return 'disallow-all';
    };
    // Every fetch of the origin waits on this one load, so no fetch's signal may stop it:
    // it answers to its own time limit (and to closing), and each fetch stops waiting on
    // its own signal.
    const signal = AbortSignal.any([this.closing.signal, AbortSignal.timeout(this.loadTimeoutMs)]);
    const entry: Entry = {
      loading: this.load(robotsUrl, signal).then(
        ({ status, text }): Rules => {
          if (status >= 200 && status < 300) return robotsParser(robotsUrl.href, text);
          if (status >= 400 && status < 500) return 'allow-all';
          return failed();
        },
        (error: unknown): Rules => {
          // Nothing cached when the guard refused or the fetcher closed: the error is the answer.
          if (
            this.closing.signal.aborted ||
            (error as { code?: unknown }).code === 'SSRF_BLOCKED'
          ) {
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
