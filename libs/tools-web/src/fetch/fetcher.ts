import type { ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import type { IncomingHttpHeaders } from 'node:http';
import { Agent, cacheStores, interceptors, type Dispatcher } from 'undici';
import { retryAfterMs, toWebError, WebError, WebErrorCode } from '../errors';
import { bareHost, SsrfGuard, type Resolver } from '../ssrf/guard';
import { ByteBucket } from './byte-bucket';
import { decode } from './decode';
import { exchange, type Exchange, type ExchangeOptions } from './exchange';
import { extract } from './extract';
import { Deadline } from './deadline';
import { HostLimiter } from './host-limiter';
import { mimeOf } from './media-type';
import { RobotsCache } from './robots';
import { throttle } from './throttle';

/** How a `WebFetcher` behaves; every field has a default fit for the open web. */
export interface FetchOptions {
  /** SSRF allow-list (CIDRs, host names). Empty in production; tests allow loopback. */
  allow?: readonly string[];
  /** The guard's resolver; tests inject one. */
  resolve?: Resolver;
  /**
   * The User-Agent sent. robots.txt is judged for its first product's name:
   * `MyCrawler/2.0 (+https://…)` obeys the `MyCrawler` group. Default `FanoutBot/0.1 (…)`.
   */
  userAgent?: string;
  /** Requests in flight per host. Default 4. */
  perHostConcurrency?: number;
  /** Least time between request starts to one host. Default 250 ms. */
  politenessDelayMs?: number;
  /** Redirect hops followed before `TOO_MANY_REDIRECTS`. Default 5. */
  maxRedirects?: number;
  /** Time to the response headers, and between body chunks. Default 15 s each. */
  headersTimeoutMs?: number;
  bodyTimeoutMs?: number;
  /** MIME types accepted. Default HTML, XHTML, plain text and JSON. */
  contentTypes?: readonly string[];
  /** Honour robots.txt. Default true. */
  robots?: boolean;
  /**
   * How long one load of a site's robots.txt may take; past it the file counts as
   * unreachable. The load is shared by the site's fetches, each of which still stops
   * waiting at its own deadline. Default 30 s.
   */
  robotsTimeoutMs?: number;
  /** Connections kept per origin by the pooled agent. Default 8 (fewer under a byte rate). */
  connectionsPerOrigin?: number;
  /**
   * The byte rate all this fetcher's fetches share (a worker's: the web family's share of
   * the host's network, see `WebConfig`): every body read draws from one token bucket,
   * and the connections are capped at one per 16 KiB/s of it. Default: none.
   */
  bytesPerSec?: number;
  /** The bucket to draw from instead of one of `bytesPerSec` (shared, or with a test's clock). */
  byteBucket?: ByteBucket;
}

/**
 * The least of the byte rate an open connection should get: one that gets less spends
 * its time paused, holding a socket on the site and nearing its timeouts.
 */
export const MIN_CONNECTION_BYTES_PER_SEC = 16 * 1024;

/** The connections a byte rate gives a worker: one per 16 KiB/s, at least one. */
export function connectionCap(bytesPerSec: number): number {
  return Math.max(1, Math.floor(bytesPerSec / MIN_CONNECTION_BYTES_PER_SEC));
}

/** The one key of the worker-wide connection cap; a cancelled wait says it was for this. */
const ALL_HOSTS = 'a connection';

const DEFAULT_TYPES = ['text/html', 'text/plain', 'application/json', 'application/xhtml+xml'];
const ROBOTS_MAX_BYTES = 512 * 1024;

type FetchInput = ToolParamsOf<'web.fetch'>;
type FetchOutput = ToolOutputOf<'web.fetch'>;

/** A response as the fetch sees it: the exchange, and its content type read once. */
interface Hop extends Exchange {
  contentType: string;
}

/** The redirect target; an unparsable `Location` is the site's fault, not worth a retry. */
function nextHop(location: string, from: URL): URL {
  try {
    return new URL(location, from);
  } catch (error) {
    throw new WebError(WebErrorCode.HttpError, `${from.href} redirects to a bad URL`, {
      cause: error,
    });
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `web.fetch` as an object holding what must outlive one call: the pooled undici agent
 * (whose connector resolves through the SSRF guard), per-host limits, the robots and
 * HTTP caches, and the byte rate its fetches share. One per process; `fetch` is the tool.
 */
export class WebFetcher {
  /** The bucket every body read draws from, when the fetcher has a byte rate. */
  readonly bucket: ByteBucket | undefined;
  /** Requests in flight at once, all hosts together, when a byte rate caps them. */
  readonly connections: number | undefined;
  private readonly guard: SsrfGuard;
  private readonly agent: Agent;
  /** The agent with every body read drawn from the bucket. */
  private readonly wire: Dispatcher;
  /** The worker-wide cap on requests in flight, under a byte rate. */
  private readonly inFlight: HostLimiter | undefined;
  private readonly dispatcher: Dispatcher;
  private readonly limiter: HostLimiter;
  private readonly robots: RobotsCache;
  private readonly types: Set<string>;
  /** The headers every request sends, built once. */
  private readonly headers: Record<string, string>;

  constructor(private readonly options: FetchOptions = {}) {
    this.guard = new SsrfGuard({
      allow: options.allow,
      ...(options.resolve ? { resolve: options.resolve } : {}),
    });
    this.types = new Set(options.contentTypes ?? DEFAULT_TYPES);
    this.headers = {
      'user-agent': options.userAgent ?? 'FanoutBot/0.1 (+https://github.com/fanout)',
      accept: [...this.types, '*/*;q=0.1'].join(', '),
      // Pages come compressed where the site can: a fraction of the bytes on the wire.
      'accept-encoding': 'gzip, deflate, br',
    };
    this.bucket =
      options.byteBucket ?? (options.bytesPerSec ? new ByteBucket(options.bytesPerSec) : undefined);
    this.connections = this.bucket ? connectionCap(this.bucket.bytesPerSec) : undefined;
    this.inFlight = this.connections ? new HostLimiter(this.connections, 0) : undefined;
    this.agent = new Agent({
      connections: Math.min(options.connectionsPerOrigin ?? 8, this.connections ?? Infinity),
      headersTimeout: options.headersTimeoutMs ?? 15_000,
      bodyTimeout: options.bodyTimeoutMs ?? 15_000,
      connect: { lookup: this.guard.lookup } as Agent.Options['connect'],
    });
    // RFC 9111 caching as a shared cache (undici's): fresh pages are served from memory,
    // stale ones with a validator are revalidated, so a page fetched again costs the site
    // a 304 at most. Bounded by entries, by entry and in all. Outside it, decompression:
    // the cache keeps pages as sent, and `maxBytes` counts the bytes decompressed, so a
    // small bomb is cut where its output reaches the limit.
    // Innermost, the throttle: it counts the bytes off the wire, and a cached page none.
    this.wire = this.bucket ? this.agent.compose(throttle(this.bucket)) : this.agent;
    this.dispatcher = this.wire.compose(
      interceptors.cache({
        store: new cacheStores.MemoryCacheStore({
          maxCount: 1_024,
          maxEntrySize: 1_048_576,
          maxSize: 64 * 1_048_576,
        }),
        methods: ['GET'],
      }),
      interceptors.decompress(),
    );
    this.limiter = new HostLimiter(
      options.perHostConcurrency ?? 4,
      options.politenessDelayMs ?? 250,
    );
    // The rules that apply are those for the crawler the sent User-Agent names.
    this.robots = new RobotsCache(
      (url, signal) => this.loadRobots(url, signal),
      this.headers['user-agent'] as string,
      options.robotsTimeoutMs,
    );
  }

  /** The tool: fetches `input.url` politely and extracts it. */
  readonly fetch = async (
    input: FetchInput,
    context: { signal: AbortSignal },
  ): Promise<FetchOutput> => {
    const deadline = new Deadline(context.signal, input.timeoutMs);
    const { signal } = deadline;
    try {
      return await this.follow(new URL(input.url), input, signal);
    } catch (error) {
      throw toWebError(error, signal, `fetching ${input.url}`);
    } finally {
      deadline.dispose();
    }
  };

  /** Closes the pooled connections, first stopping the robots.txt loads no fetch owns. */
  close(): Promise<void> {
    this.robots.close();
    return this.agent.close();
  }

  private async follow(start: URL, input: FetchInput, signal: AbortSignal): Promise<FetchOutput> {
    let seen: Set<string> | undefined; // made on the first redirect: most fetches have none
    let url = start;
    for (let hop = 0; ; hop += 1) {
      if (url.hash) url.hash = '';
      if (seen?.has(url.href))
        throw new WebError(WebErrorCode.RedirectLoop, `redirect loop at ${url.href}`);
      const response = await this.hop(url, input.maxBytes, signal);
      const location = header(response.headers, 'location');
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location) {
        if (hop >= (this.options.maxRedirects ?? 5)) {
          throw new WebError(
            WebErrorCode.TooManyRedirects,
            `more than ${hop} redirects from ${start.href}`,
          );
        }
        (seen ??= new Set()).add(url.href);
        url = nextHop(location, url);
        continue;
      }
      return this.finish(url, response, input);
    }
  }

  /**
   * One request, past the guard, robots and the host's limit, holding a slot on the host
   * until its response is read (from the cache, or revalidated by it, when it can be).
   */
  private async hop(url: URL, maxBytes: number, signal: AbortSignal): Promise<Hop> {
    const screening = this.guard.screen(url);
    if (screening) await screening;
    let crawlDelayMs = 0;
    if (this.options.robots !== false) {
      const pending = this.robots.verdict(url, signal);
      const verdict = pending instanceof Promise ? await pending : pending;
      if (!verdict.allowed) {
        throw new WebError(WebErrorCode.RobotsDisallowed, `robots.txt disallows ${url.href}`);
      }
      crawlDelayMs = verdict.crawlDelayMs ?? 0;
    }
    const slot = this.limiter.acquire(bareHost(url), signal, crawlDelayMs);
    const release = slot instanceof Promise ? await slot : slot;
    let releaseConnection: (() => void) | undefined;
    try {
      if (this.inFlight) releaseConnection = await this.inFlight.acquire(ALL_HOSTS, signal);
      const res = await exchange(
        this.dispatcher,
        url,
        { headers: this.headers, maxBytes, keepBody: this.keepBody },
        signal,
      );
      return { ...res, contentType: header(res.headers, 'content-type') ?? '' };
    } finally {
      releaseConnection?.();
      release();
    }
  }

  /** Only a successful response of an accepted type has a body worth reading. */
  private readonly keepBody = (status: number, headers: IncomingHttpHeaders): boolean =>
    status >= 200 && status < 300 && this.types.has(mimeOf(header(headers, 'content-type') ?? ''));

  private finish(url: URL, response: Hop, input: FetchInput): FetchOutput {
    if (response.status === 429 || (response.status === 503 && response.headers['retry-after'])) {
      const wait = retryAfterMs(response.headers['retry-after']);
      throw new WebError(WebErrorCode.RateLimited, `${url.host} answered ${response.status}`, {
        retryable: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }
    if (response.status >= 400) {
      throw new WebError(WebErrorCode.HttpError, `${url.href} answered ${response.status}`, {
        retryable: response.status >= 500 || response.status === 408,
      });
    }
    const mime = mimeOf(response.contentType);
    if (!this.types.has(mime)) {
      throw new WebError(
        WebErrorCode.ContentType,
        `${url.href} is ${mime || 'of no content type'}`,
      );
    }
    const { body, truncated } = response;
    const { title, text, links } = extract(
      decode(body, response.contentType),
      mime,
      input.extract,
      url,
    );
    return {
      url: url.href,
      status: response.status,
      contentType: response.contentType,
      ...(title ? { title } : {}),
      text,
      links,
      bytes: body.length,
      truncated,
    };
  }

  private async loadRobots(
    robotsUrl: URL,
    signal: AbortSignal,
  ): Promise<{ status: number; text: string }> {
    let url = robotsUrl;
    for (let hop = 0; hop <= 5; hop += 1) {
      await this.guard.check(url);
      const res = await exchange(this.wire, url, this.robotsRequest, signal);
      const location = header(res.headers, 'location');
      if (res.status >= 300 && res.status < 400 && location) {
        url = new URL(location, url);
        continue;
      }
      if (res.status !== 200) return { status: res.status, text: '' };
      return { status: 200, text: res.body.toString('utf8') };
    }
    return { status: 404, text: '' }; // too many redirects: RFC 9309 says treat as unavailable (4xx)
  }

  /** How robots.txt is asked for: our agent name only, and its first 512 KiB kept. */
  private get robotsRequest(): ExchangeOptions {
    return {
      headers: { 'user-agent': this.headers['user-agent'] as string },
      maxBytes: ROBOTS_MAX_BYTES,
      keepBody: (status) => status === 200,
    };
  }
}
