/**
 * The web tools: `web.fetch` (polite, SSRF-guarded fetching with extraction) and
 * `web.search` (pluggable providers, canonical deduplicated results, a query cache).
 * They know nothing of NATS; a worker, a test or a benchmark calls them alike.
 */
import type { ToolImplementation } from '@fanout/contracts';
import { fetchBytesPerSec, type WebConfig } from './config';
import { WebFetcher } from './fetch/fetcher';
import { WebSearcher } from './search/searcher';

export {
  DEFAULT_NETWORK_SHARE,
  DEFAULT_SEARCH_INSTANCES,
  fetchBytesPerSec,
  MAX_SEARCH_INSTANCES,
  webConfigFromEnv,
  type WebConfig,
} from './config';
export { ByteBucket } from './fetch/byte-bucket';
export { connectionCap, MIN_CONNECTION_BYTES_PER_SEC } from './fetch/fetcher';
export { WebError, WebErrorCode } from './errors';
export { WebFetcher, type FetchOptions } from './fetch/fetcher';
export { extract, type ExtractMode, type Extracted } from './fetch/extract';
export { SsrfGuard, type SsrfOptions } from './ssrf/guard';
export { blockedReason, parseAllowList } from './ssrf/address-policy';
export { WebSearcher, type SearchOptions } from './search/searcher';
export { inArrivalOrder, type Arrival } from './search/arrivals';
export { CategoryPool, DEFAULT_CATEGORY_SHARES, UNCATEGORISED } from './search/category-pool';
export type { RawResult, SearchProvider } from './search/provider';
export { brave, genericJson, searxng, type GenericProviderConfig } from './search/providers';
export { canonicalUrl } from './search/canonical-url';
export { clusterByDomain, reciprocalRankFusion, type Ranked } from './search/fusion';
export { normalizeQuery } from '@fanout/contracts';

/** The two tools by catalogue name, typed against their contracts: what a worker registers. */
export type WebTools = {
  'web.search': ToolImplementation<'web.search'>;
  'web.fetch': ToolImplementation<'web.fetch'>;
};

/**
 * Builds the tools over one fetcher (one connection pool, one set of per-host limits
 * and caches) and one searcher, so every task in the process shares them. A worker
 * passes the config its boot read (`webConfigFromEnv`); the library reads no variables.
 */
export function createWebTools(config: WebConfig): WebTools & { close(): Promise<void> } {
  const bytesPerSec = fetchBytesPerSec(config);
  const fetcher = new WebFetcher({ ...config.fetch, ...(bytesPerSec ? { bytesPerSec } : {}) });
  const searcher = new WebSearcher({
    providers: config.providers,
    ...(config.defaultProvider ? { defaultProvider: config.defaultProvider } : {}),
    ...(config.fanOut ? { fanOut: config.fanOut } : {}),
    ...(config.perDomain ? { perDomain: config.perDomain } : {}),
    ...(config.rates ? { rates: config.rates } : {}),
    ...(config.shares ? { shares: config.shares } : {}),
    ...(config.searchInstances ? { concurrency: config.searchInstances } : {}),
  });
  return {
    'web.search': searcher.search,
    'web.fetch': fetcher.fetch,
    close: async () => {
      await Promise.all([fetcher.close(), searcher.close()]);
    },
  };
}
