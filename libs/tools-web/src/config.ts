import { DEFAULT_MATRIX } from '@fanout/contracts';
import { z } from 'zod';
import type { FetchOptions } from './fetch/fetcher';
import { DEFAULT_CATEGORY_SHARES } from './search/category-pool';
import { brave, genericJson, searxng, type GenericProviderConfig } from './search/providers';
import type { SearchProvider } from './search/provider';

/** Everything the web tools are built from; what a worker reads from its environment. */
export interface WebConfig {
  fetch: FetchOptions;
  providers: SearchProvider[];
  defaultProvider?: string;
  /** Providers a search naming none is sent to at once, results fused (see `SearchOptions`). */
  fanOut?: string[];
  /** At most this many results per site ahead of the others. */
  perDomain?: number;
  /** Requests per second, by provider name. */
  rates?: Record<string, number>;
  /** Each query category's share of the search pool (see `DEFAULT_CATEGORY_SHARES`). */
  shares?: Record<string, number>;
  /** Provider calls in flight at once: the worker's `web.search` instances (16, at most 32). */
  searchInstances?: number;
  /** The host's network capacity in bytes per second (`FANOUT_NET_BYTES_PER_SEC`); none by default. */
  networkBytesPerSec?: number;
  /**
   * The web family's share of it, a fraction (the allocation matrix's `web.network`,
   * 60% by default): the byte rate all the worker's fetches share (`FetchOptions.bytesPerSec`).
   */
  networkShare?: number;
}

/** The web family's network share by the default matrix. */
export const DEFAULT_NETWORK_SHARE = DEFAULT_MATRIX.web.network / 100;

/** `FANOUT_NET_BYTES_PER_SEC`: a whole number of bytes per second above 0, or unset for none. */
const NetworkBytesPerSec = z.coerce
  .number({ error: 'not a number' })
  .int('not a whole number')
  .positive('not above 0')
  .optional();

/** The byte rate the fetches of a worker with `config` share, if the host has a capacity. */
export function fetchBytesPerSec(config: WebConfig): number | undefined {
  if (!config.networkBytesPerSec) return undefined;
  return Math.max(
    1,
    Math.floor(config.networkBytesPerSec * (config.networkShare ?? DEFAULT_NETWORK_SHARE)),
  );
}

/** Search instances of a worker that sets none: its `web.search` pool and provider calls. */
export const DEFAULT_SEARCH_INSTANCES = 16;

/** The most search instances one worker runs: wider only multiplies the rate limit's queue. */
export const MAX_SEARCH_INSTANCES = 32;

/**
 * Reads the web tools' settings from the environment:
 * - `FANOUT_SEARXNG_URL` — a SearXNG instance (the default provider when set);
 * - `FANOUT_BRAVE_API_KEY` — enables the `brave` provider;
 * - `FANOUT_SEARCH_GENERIC` — JSON of a `GenericProviderConfig`;
 * - `FANOUT_SEARCH_PROVIDER` — the default provider's name;
 * - `FANOUT_SEARCH_FANOUT` — comma-separated providers every search naming none goes to,
 *   their results fused (`all` for every configured one);
 * - `FANOUT_SEARCH_PER_DOMAIN` — at most this many results per site ahead of the others;
 * - `FANOUT_SEARCH_RATES` — requests per second by provider, e.g. `searxng=5,brave=1`
 *   (default: `brave=1`, the free plan's limit; a 429's `Retry-After` is always honoured);
 * - `FANOUT_SEARCH_SHARES` — instances of 32 by query category, e.g.
 *   `primary-research=12,community=2`; categories not named keep their default share;
 * - `FANOUT_POOL_WEB_SEARCH` — the worker's search instances (default 16, at most 32), which
 *   the categories' shares divide;
 * - `FANOUT_WEB_ALLOW` — comma-separated SSRF allow-list (CIDRs, hosts). FOR TESTS ONLY:
 *   it opens the guard to the addresses named, e.g. `127.0.0.0/8` for loopback servers;
 * - `FANOUT_WEB_POLITENESS_MS`, `FANOUT_WEB_PER_HOST` — per-host pacing;
 * - `FANOUT_NET_BYTES_PER_SEC` — the host's network capacity in bytes per second, of
 *   which the web family's share (60% by default) is the byte rate all the worker's
 *   fetches share, and its connections one per 16 KiB/s of it (unset: no rate).
 */
export function webConfigFromEnv(env: NodeJS.ProcessEnv = process.env): WebConfig {
  const providers: SearchProvider[] = [];
  if (env.FANOUT_SEARXNG_URL) providers.push(searxng(env.FANOUT_SEARXNG_URL));
  if (env.FANOUT_BRAVE_API_KEY) providers.push(brave(env.FANOUT_BRAVE_API_KEY));
  if (env.FANOUT_SEARCH_GENERIC) {
    providers.push(genericJson(JSON.parse(env.FANOUT_SEARCH_GENERIC) as GenericProviderConfig));
  }
  const number = (value: string | undefined) => (value ? Number(value) : undefined);
  const fanOut =
    env.FANOUT_SEARCH_FANOUT === 'all'
      ? providers.map((provider) => provider.name)
      : (env.FANOUT_SEARCH_FANOUT ?? '').split(',').filter(Boolean);
  const perDomain = number(env.FANOUT_SEARCH_PER_DOMAIN);
  const rates = { brave: 1, ...parsePairs('FANOUT_SEARCH_RATES', env, 'requests-per-second') };
  const shares = parsePairs('FANOUT_SEARCH_SHARES', env, 'instances-of-32');
  const searchInstances = number(env.FANOUT_POOL_WEB_SEARCH);
  if (
    searchInstances !== undefined &&
    !(
      Number.isInteger(searchInstances) &&
      searchInstances >= 1 &&
      searchInstances <= MAX_SEARCH_INSTANCES
    )
  ) {
    throw new Error(
      `FANOUT_POOL_WEB_SEARCH must be a whole number of instances from 1 to ${MAX_SEARCH_INSTANCES}, got "${env.FANOUT_POOL_WEB_SEARCH}"`,
    );
  }
  const network = NetworkBytesPerSec.safeParse(env.FANOUT_NET_BYTES_PER_SEC?.trim() || undefined);
  if (!network.success) {
    throw new Error(
      `FANOUT_NET_BYTES_PER_SEC must be a whole number of bytes per second above 0, got "${env.FANOUT_NET_BYTES_PER_SEC}" (${network.error.issues[0]?.message})`,
    );
  }
  return {
    ...(network.data ? { networkBytesPerSec: network.data } : {}),
    ...(searchInstances ? { searchInstances } : {}),
    rates,
    ...(Object.keys(shares).length
      ? { shares: { ...DEFAULT_CATEGORY_SHARES, ...scaled(shares, 1 / 32) } }
      : {}),
    providers,
    ...(env.FANOUT_SEARCH_PROVIDER ? { defaultProvider: env.FANOUT_SEARCH_PROVIDER } : {}),
    ...(fanOut.length ? { fanOut } : {}),
    ...(perDomain ? { perDomain } : {}),
    fetch: {
      allow: (env.FANOUT_WEB_ALLOW ?? '').split(',').filter(Boolean),
      politenessDelayMs: number(env.FANOUT_WEB_POLITENESS_MS),
      perHostConcurrency: number(env.FANOUT_WEB_PER_HOST),
    },
  };
}

/** `name=number,…` of a variable into a map; a malformed entry is said plainly. */
function parsePairs(
  variable: string,
  env: NodeJS.ProcessEnv,
  unit: string,
): Record<string, number> {
  const pairs: Record<string, number> = {};
  for (const entry of (env[variable] ?? '').split(',').filter(Boolean)) {
    const [name, raw] = entry.split('=');
    const value = Number(raw);
    if (!name?.trim() || !(value > 0)) {
      throw new Error(`${variable}: "${entry}" is not name=${unit}`);
    }
    pairs[name.trim()] = value;
  }
  return pairs;
}

function scaled(values: Record<string, number>, by: number): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, value * by]));
}
