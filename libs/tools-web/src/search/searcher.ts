import type { ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { toWebError, WebError, WebErrorCode } from '../errors';
import { Lru } from '../fetch/lru';
import { canonicalUrl, onDomain } from './canonical-url';
import { CategoryPool, UNCATEGORISED } from './category-pool';
import { normalizeQuery } from './normalize-query';
import type { RawResult, SearchProvider } from './provider';

type SearchInput = ToolParamsOf<'web.search'>;
type SearchOutput = ToolOutputOf<'web.search'>;

/** The providers to offer and how long an answer is reused. */
export interface SearchOptions {
  providers: SearchProvider[];
  /** The provider used when the input names none. Default: the first. */
  defaultProvider?: string;
  /** How long one query's answer is reused in this process. Default 10 minutes. */
  ttlMs?: number;
  maxEntries?: number;
  /** Provider calls in flight at once, shared by query categories. Default 16 (the pool). */
  concurrency?: number;
  /** Each category's share of `concurrency`; see `DEFAULT_CATEGORY_SHARES`. */
  shares?: Readonly<Record<string, number>>;
}

/**
 * `web.search` over pluggable providers. Queries are normalised and cached with a TTL
 * (and concurrent asks for the same query share one request), so a batch that asks the
 * same thing in many tasks costs the provider one call. Results are canonicalised,
 * deduplicated, filtered by domain and ranked 1..n in the provider's order. Provider
 * calls share a `CategoryPool`, so each query category keeps its share of the slots.
 */
export class WebSearcher {
  private readonly providers = new Map<string, SearchProvider>();
  private readonly cache: Lru<Promise<RawResult[]>>;
  private readonly defaultProvider: string | undefined;
  private readonly pool: CategoryPool;

  constructor(options: SearchOptions) {
    for (const provider of options.providers) this.providers.set(provider.name, provider);
    this.defaultProvider = options.defaultProvider ?? options.providers[0]?.name;
    this.cache = new Lru(options.maxEntries ?? 1_000, options.ttlMs ?? 600_000);
    this.pool = new CategoryPool(options.concurrency ?? 16, options.shares);
  }

  /** The tool. */
  readonly search = async (
    input: SearchInput,
    context: { signal: AbortSignal },
  ): Promise<SearchOutput> => {
    const name = input.provider ?? this.defaultProvider;
    const provider = name ? this.providers.get(name) : undefined;
    if (!provider) {
      throw new WebError(
        WebErrorCode.InvalidInput,
        `no search provider ${name ?? ''} is configured`.trim(),
      );
    }
    const query = normalizeQuery(input.query);
    const category = input.category ?? UNCATEGORISED;
    const raw = await this.ask(provider, query, input.count, category, context.signal);
    return {
      query: input.query,
      provider: provider.name,
      results: this.shape(raw, input, provider.name),
    };
  };

  private ask(
    provider: SearchProvider,
    query: string,
    count: number,
    category: string,
    signal: AbortSignal,
  ): Promise<RawResult[]> {
    const key = `${provider.name}\u0000${count}\u0000${query}`;
    const cached = this.cache.get(key);
    if (cached) return abortable(cached, signal);
    // The shared request is not tied to the first asker's signal, so one cancellation
    // does not fail every task waiting on it; each asker stops waiting on its own signal.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const asking = this.pool
      .run(category, controller.signal, () => provider.search(query, count, controller.signal))
      .finally(() => clearTimeout(timer));
    this.cache.set(key, asking);
    asking.catch(() => this.cache.delete(key));
    return abortable(asking, signal);
  }

  private shape(raw: RawResult[], input: SearchInput, provider: string): SearchOutput['results'] {
    const seen = new Set<string>();
    const results: SearchOutput['results'] = [];
    for (const item of raw) {
      const url = canonicalUrl(item.url);
      if (!url || seen.has(url)) continue;
      if (input.domains?.length && !input.domains.some((d) => onDomain(url, d))) continue;
      if (input.exclude?.some((d) => onDomain(url, d))) continue;
      seen.add(url);
      results.push({
        url,
        title: item.title,
        snippet: item.snippet,
        rank: results.length + 1,
        ...(item.score !== undefined ? { score: item.score } : {}),
        provider,
      });
      if (results.length >= input.count) break;
    }
    return results;
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(toWebError(undefined, signal, 'search'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(toWebError(undefined, signal, 'search'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
