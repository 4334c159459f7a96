import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { WebError, WebErrorCode } from '../errors';
import { Lru } from '../fetch/lru';
import { blockedReason, hostAllowed, parseAllowList, type AllowList } from './address-policy';

/** Resolves a host name to every address it has, like `dns.lookup(host, { all: true })`. */
export type Resolver = (host: string, family: number) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (host, family) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, family }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );

/** The guard's settings: the allow-list entries (see `AllowList`). */
export interface SsrfOptions {
  allow?: readonly string[];
  /** The resolver (all addresses). Default `node:dns` lookup; tests inject one to play DNS rebinding. */
  resolve?: Resolver;
}

type LookupCallback = (
  error: Error | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The host of a parsed URL as the resolver and policy want it: lower case, no brackets. */
export function bareHost(url: URL): string {
  const { hostname } = url; // already lower case, for every special scheme
  return hostname.charCodeAt(0) === 91 /* [ */ ? hostname.slice(1, -1) : hostname;
}

function blocked(message: string): WebError {
  return new WebError(WebErrorCode.SsrfBlocked, message);
}

/**
 * Keeps fetches off internal networks. `check` refuses a URL before a request is made
 * (scheme, literal address in any form WHATWG URL normalises — decimal, octal, hex — and
 * every address its name resolves to); `lookup` is handed to undici's connector so the
 * socket goes to an address checked at connect time, and a DNS answer that changed since
 * the check (rebinding) is refused rather than trusted.
 */
export class SsrfGuard {
  private readonly allow: AllowList;
  private readonly resolver: Resolver;
  /**
   * The verdict on each address literal seen (empty when allowed): a literal always gets
   * the same one, and parsing and matching it against every range on each hop of each
   * fetch is most of what a check of a literal costs. Names are not cached: they are
   * resolved again on every check, as the answer may have changed.
   */
  private readonly literals = new Lru<string>(4_096);

  constructor(options: SsrfOptions = {}) {
    this.allow = parseAllowList(options.allow);
    this.resolver = options.resolve ?? systemResolver;
  }

  /** Throws `SSRF_BLOCKED` unless `url` is http(s) to an address the policy allows. */
  async check(url: URL): Promise<void> {
    await this.screen(url);
  }

  /**
   * `check` for the fetch path: throws at once when the URL alone decides (scheme,
   * credentials, an address literal), returns undefined when it passes without asking
   * DNS, and a promise only when a name must be resolved, so most hops wait no turn.
   */
  screen(url: URL): Promise<void> | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw blocked(`scheme ${url.protocol} is not allowed`);
    }
    if (url.username || url.password) throw blocked('credentials in URLs are not allowed');
    const host = bareHost(url);
    let reason = this.literals.get(host);
    if (reason === undefined && ipaddr.isValid(host)) {
      reason = blockedReason(host, this.allow) ?? '';
      this.literals.set(host, reason);
    }
    if (reason !== undefined) {
      if (reason) throw blocked(`${url.origin}: ${reason}`);
      return undefined;
    }
    if (hostAllowed(host, this.allow)) return undefined;
    return this.resolve(host).then((addresses) => this.judge(host, addresses));
  }

  /** A `net.connect` lookup that resolves, then refuses if any answer is not allowed. */
  readonly lookup = (
    hostname: string,
    options: LookupAllOptions | Record<string, unknown>,
    callback: LookupCallback,
  ): void => {
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    const family = Number((options as { family?: unknown }).family) || 0;
    this.resolver(host, family).then(
      (addresses) => {
        try {
          if (!hostAllowed(host, this.allow)) this.judge(host, addresses);
        } catch (refusal) {
          return callback(refusal as Error, []);
        }
        if ((options as { all?: boolean }).all) return callback(null, addresses);
        const first = addresses[0];
        if (!first) return callback(blocked(`${host} resolved to nothing`), []);
        callback(null, first.address, first.family);
      },
      (error: Error) => callback(error, []),
    );
  };

  private judge(host: string, addresses: LookupAddress[]): void {
    if (addresses.length === 0) throw blocked(`${host} resolved to nothing`);
    for (const { address } of addresses) {
      const reason = blockedReason(address, this.allow);
      if (reason) throw blocked(`${host} resolves to ${reason}`);
    }
  }

  private async resolve(host: string): Promise<LookupAddress[]> {
    try {
      return await this.resolver(host, 0);
    } catch (error) {
      throw new WebError(WebErrorCode.Network, `cannot resolve ${host}`, {
        retryable: true,
        cause: error,
      });
    }
  }
}
