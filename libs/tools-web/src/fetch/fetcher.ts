import type { ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { Agent, request, type Dispatcher } from 'undici';
import { retryAfterMs, toWebError, WebError, WebErrorCode } from '../errors';
import { bareHost, SsrfGuard, type Resolver } from '../ssrf/guard';
import { decode, readBody, readBounded } from './body';
import { extract } from './extract';
import { Deadline } from './deadline';
import { HostLimiter } from './host-limiter';
import { HttpCache, type CachedResponse } from './http-cache';
import { RobotsCache } from './robots';

/** How a `WebFetcher` behaves; every field has a default fit for the open web. */
export interface FetchOptions {
  /** SSRF allow-list (CIDRs, host names). Empty in production; tests allow loopback. */
  allow?: readonly string[];
  /** The guard's resolver; tests inject one. */
  resolve?: Resolver;
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
  /** Connections kept per origin by the pooled agent. Default 8. */
  connectionsPerOrigin?: number;
}

const DEFAULT_TYPES = ['text/html', 'text/plain', 'application/json', 'application/xhtml+xml'];
const ROBOTS_MAX_BYTES = 512 * 1024;

type FetchInput = ToolParamsOf<'web.fetch'>;
type FetchOutput = ToolOutputOf<'web.fetch'>;

interface Hop {
  status: number;
  contentType: string;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
  cached?: CachedResponse;
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

function header(headers: Hop['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * `web.fetch` as an object holding what must outlive one call: the pooled undici agent
 * (whose connector resolves through the SSRF guard), per-host limits, the robots and
 * HTTP caches. One per process; `fetch` is the tool.
 */
export class WebFetcher {
  private readonly guard: SsrfGuard;
  private readonly agent: Agent;
  private readonly limiter: HostLimiter;
  private readonly robots: RobotsCache;
  private readonly cache = new HttpCache();
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
    };
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 8,
      headersTimeout: options.headersTimeoutMs ?? 15_000,
      bodyTimeout: options.bodyTimeoutMs ?? 15_000,
      connect: { lookup: this.guard.lookup } as Agent.Options['connect'],
    });
    this.limiter = new HostLimiter(
      options.perHostConcurrency ?? 4,
      options.politenessDelayMs ?? 250,
    );
    this.robots = new RobotsCache((url, signal) => this.loadRobots(url, signal), 'FanoutBot');
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

  /** Closes the pooled connections. */
  close(): Promise<void> {
    return this.agent.close();
  }

  private async follow(start: URL, input: FetchInput, signal: AbortSignal): Promise<FetchOutput> {
    let seen: Set<string> | undefined; // made on the first redirect: most fetches have none
    let url = start;
    for (let hop = 0; ; hop += 1) {
      if (url.hash) url.hash = '';
      if (seen?.has(url.href))
        throw new WebError(WebErrorCode.RedirectLoop, `redirect loop at ${url.href}`);
      const { response, release } = await this.hop(url, signal);
      try {
        const location = header(response.headers, 'location');
        if (
          response.status >= 300 &&
          response.status < 400 &&
          response.status !== 304 &&
          location
        ) {
          await response.body.dump().catch(() => undefined);
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
        return await this.finish(url, response, input);
      } finally {
        release();
      }
    }
  }

  private async hop(
    url: URL,
    signal: AbortSignal,
  ): Promise<{ response: Hop; release: () => void }> {
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
    try {
      const entry = this.cache.get(url.href);
      const res = await request(url, {
        dispatcher: this.agent,
        signal,
        headers: entry ? { ...this.headers, ...HttpCache.validators(entry) } : this.headers,
      });
      const response: Hop = {
        status: res.statusCode,
        contentType: header(res.headers, 'content-type') ?? '',
        headers: res.headers,
        body: res.body,
      };
      if (res.statusCode === 304 && entry) {
        await res.body.dump().catch(() => undefined);
        return {
          response: {
            ...response,
            status: entry.status,
            contentType: entry.contentType,
            cached: entry,
          },
          release,
        };
      }
      return { response, release };
    } catch (error) {
      release();
      throw error;
    }
  }

  private async finish(url: URL, response: Hop, input: FetchInput): Promise<FetchOutput> {
    if (response.status === 429 || (response.status === 503 && response.headers['retry-after'])) {
      await response.body.dump().catch(() => undefined);
      const wait = retryAfterMs(response.headers['retry-after']);
      throw new WebError(WebErrorCode.RateLimited, `${url.host} answered ${response.status}`, {
        retryable: true,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      });
    }
    if (response.status >= 400) {
      await response.body.dump().catch(() => undefined);
      throw new WebError(WebErrorCode.HttpError, `${url.href} answered ${response.status}`, {
        retryable: response.status >= 500 || response.status === 408,
      });
    }
    const mime = response.contentType.split(';')[0]?.trim().toLowerCase() ?? '';
    if (!this.types.has(mime)) {
      await response.body.dump().catch(() => undefined);
      throw new WebError(
        WebErrorCode.ContentType,
        `${url.href} is ${mime || 'of no content type'}`,
      );
    }
    let bytes: Buffer;
    let truncated = false;
    if (response.cached) {
      bytes = response.cached.body.subarray(0, input.maxBytes);
      truncated = response.cached.body.length > input.maxBytes;
    } else {
      ({ bytes, truncated } = await readBody(
        response.body,
        response.headers['content-length'],
        input.maxBytes,
      ));
      if (!truncated) {
        this.cache.store(
          url.href,
          {
            status: response.status,
            contentType: response.contentType,
            body: bytes,
            etag: header(response.headers, 'etag'),
            lastModified: header(response.headers, 'last-modified'),
          },
          header(response.headers, 'cache-control'),
        );
      }
    }
    const { title, text, links } = extract(
      decode(bytes, response.contentType),
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
      bytes: bytes.length,
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
      const res = await request(url, {
        dispatcher: this.agent,
        signal,
        headers: { 'user-agent': this.headers['user-agent'] as string },
      });
      const location = header(res.headers, 'location');
      if (res.statusCode >= 300 && res.statusCode < 400 && location) {
        await res.body.dump().catch(() => undefined);
        url = new URL(location, url);
        continue;
      }
      if (res.statusCode !== 200) {
        await res.body.dump().catch(() => undefined);
        return { status: res.statusCode, text: '' };
      }
      const { bytes } = await readBounded(res.body, ROBOTS_MAX_BYTES);
      return { status: 200, text: bytes.toString('utf8') };
    }
    return { status: 404, text: '' }; // too many redirects: RFC 9309 says treat as unavailable (4xx)
  }
}
