import type { Dispatcher } from 'undici';

/** One result as a provider gave it, before canonicalisation, dedup and ranking. */
export interface RawResult {
  url: string;
  title: string;
  snippet: string;
  score?: number;
}

/**
 * A search backend. `web.search` knows only this, so SearXNG, Brave or any JSON
 * endpoint plug in alike; errors are thrown as `WebError` with `retryable` set.
 */
export interface SearchProvider {
  readonly name: string;
  /** `http` is the searcher's connection pool, which the provider's requests go through. */
  search(query: string, count: number, signal: AbortSignal, http: Dispatcher): Promise<RawResult[]>;
}
