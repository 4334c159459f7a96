import type { FetchOptions } from './fetch/fetcher';
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
}

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
 * - `FANOUT_WEB_ALLOW` — comma-separated SSRF allow-list (CIDRs, hosts). FOR TESTS ONLY:
 *   it opens the guard to the addresses named, e.g. `127.0.0.0/8` for loopback servers;
 * - `FANOUT_WEB_POLITENESS_MS`, `FANOUT_WEB_PER_HOST` — per-host pacing.
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
  const rates = { brave: 1, ...parseRates(env.FANOUT_SEARCH_RATES ?? '') };
  return {
    rates,
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

/** `name=rate,…` into a map; a malformed entry is a configuration error, said plainly. */
function parseRates(text: string): Record<string, number> {
  const rates: Record<string, number> = {};
  for (const entry of text.split(',').filter(Boolean)) {
    const [name, raw] = entry.split('=');
    const rate = Number(raw);
    if (!name || !(rate > 0)) {
      throw new Error(`FANOUT_SEARCH_RATES: "${entry}" is not name=requests-per-second`);
    }
    rates[name.trim()] = rate;
  }
  return rates;
}
