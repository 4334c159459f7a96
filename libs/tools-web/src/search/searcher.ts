import { normalizeQuery, type ToolOutputOf, type ToolParamsOf } from '@fanout/contracts';
import { DEFAULT_SEARCH_INSTANCES } from '../config';
import { toWebError, WebError, WebErrorCode } from '../errors';
import { Lru } from '../fetch/lru';
import { abortable } from '../wait';
import { inArrivalOrder } from './arrivals';
import { canonicalUrl, onDomain } from './canonical-url';
import { CategoryPool, UNCATEGORISED } from './category-pool';
import { clusterByDomain, reciprocalRankFusion } from './fusion';
import { providerAgent } from './provider-http';
import { ProviderPacer } from './provider-pacer';
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
  /**
   * The providers a search that names none goes to, all at once; their lists are merged
   * by canonical URL and ranked by reciprocal rank fusion, so what several engines agree
   * on comes first. Default: the default provider alone.
   */
  fanOut?: readonly string[];
  /**
   * At most this many results per site ahead of every other site's (`clusterByDomain`),
   * so one domain cannot fill the page. Default: no limit.
   */
  perDomain?: number;
  /**
   * Requests per second each provider allows, by name (Brave's free plan: 1). Calls to a
   * provider are spaced to stay under it, and a 429's `Retry-After` holds the provider
   * for every task. Default: no limit but `Retry-After`.
   */
  rates?: Readonly<Record<string, number>>;
}

type SearchResult = SearchOutput['results'][number];

/**
 * `web.search` over pluggable providers. Queries are normalised and cached with a TTL
 * (and concurrent asks for the same query share one request), so a batch that asks the
 * same thing in many tasks costs the provider one call. Results are canonicalised,
 * deduplicated, filtered by domain and ranked 1..n in the provider's order; a search
 * fanned out to several providers streams each new result as its provider answers and
 * returns them fused. Provider calls share a `CategoryPool`, so each query category
 * keeps its share of the slots, and keep to each provider's rate (`ProviderPacer`).
 */
export class WebSearcher {
  private readonly providers = new Map<string, SearchProvider>();
  private readonly cache: Lru<Promise<RawResult[]>>;
  private readonly defaultProvider: string | undefined;
  private readonly pool: CategoryPool;
  private readonly fanOut: readonly string[];
  private readonly perDomain: number | undefined;
  private readonly pacer: ProviderPacer;
  /** The providers' connections, pooled for as long as the searcher lives. */
  private readonly http = providerAgent();

  constructor(options: SearchOptions) {
    for (const provider of options.providers) this.providers.set(provider.name, provider);
    this.defaultProvider = options.defaultProvider ?? options.providers[0]?.name;
    this.cache = new Lru(options.maxEntries ?? 1_000, options.ttlMs ?? 600_000);
    this.pool = new CategoryPool(options.concurrency ?? DEFAULT_SEARCH_INSTANCES, options.shares);
    const unknown = options.fanOut?.filter((name) => !this.providers.has(name)) ?? [];
    if (unknown.length > 0)
      throw new Error(`fanOut names unknown providers: ${unknown.join(', ')}`);
    this.fanOut = options.fanOut?.length ? options.fanOut : [];
    this.perDomain = options.perDomain;
    this.pacer = new ProviderPacer(options.rates);
  }

  /**
   * The tool. Streams each result the first time any provider returns it (ranked as that
   * provider ranked it), and returns the whole list: one provider's in its order, several
   * providers' fused. With several, the search fails only when every provider does.
   */
  readonly search = (
    input: SearchInput,
    context: { signal: AbortSignal },
  ): AsyncGenerator<SearchResult, SearchOutput, void> => this.run(input, context);

  /** Closes the providers' pooled connections, once the searches in flight have ended. */
  close(): Promise<void> {
    return this.http.close();
  }

  private async *run(
    input: SearchInput,
    { signal }: { signal: AbortSignal },
  ): AsyncGenerator<SearchResult, SearchOutput, void> {
    const providers = this.choose(input.provider);
    const query = normalizeQuery(input.query);
    const category = input.category ?? UNCATEGORISED;
    const lists: (SearchResult[] | undefined)[] = providers.map(() => undefined);
    const errors: unknown[] = [];
    const streamed = new Set<string>();
    const asking = providers.map((provider) =>
      this.ask(provider, query, input.count, category, signal),
    );
    for await (const arrival of inArrivalOrder(asking)) {
      if ('error' in arrival) {
        errors[arrival.index] = arrival.error;
        continue;
      }
      const provider = providers[arrival.index] as SearchProvider;
      const list = this.shape(arrival.value, input, provider.name);
      lists[arrival.index] = list;
      for (const result of list) {
        if (streamed.has(result.url)) continue;
        streamed.add(result.url);
        yield result;
      }
    }
    if (signal.aborted) throw toWebError(undefined, signal, 'search');
    const answered = lists.flatMap((list, i) => (list ? [{ list, name: providers[i]?.name }] : []));
    if (answered.length === 0) throw errors.find((error) => error !== undefined);
    const ranked =
      answered.length === 1
        ? (answered[0]?.list ?? [])
        : reciprocalRankFusion(answered.map(({ list }) => list)).slice(0, input.count);
    return {
      query: input.query,
      provider: answered.map(({ name }) => name).join('+'),
      results: this.perDomain ? clusterByDomain(ranked, this.perDomain) : ranked,
    };
  }

  /** The provider the input names, else the fan-out list, else the default provider. */
  private choose(name: string | undefined): SearchProvider[] {
    const names = name ? [name] : this.fanOut.length ? this.fanOut : [this.defaultProvider];
    return names.map((wanted) => {
      const provider = wanted ? this.providers.get(wanted) : undefined;
      if (provider) return provider;
      const configured = [...this.providers.keys()];
      throw new WebError(
        WebErrorCode.NoSearchProvider,
        configured.length === 0
          ? 'no search provider is configured: set FANOUT_SEARXNG_URL, FANOUT_BRAVE_API_KEY or FANOUT_SEARCH_GENERIC on the web workers'
          : `no search provider "${wanted ?? ''}" is configured; there are ${configured.join(', ')}`,
      );
    });
  }

  private ask(
    provider: SearchProvider,
    query: string,
    count: number,
    category: string,
    signal: AbortSignal,
  ): Promise<RawResult[]> {
    const key = `${provider.name}\u0000${count}\u0000${query}`;
    const cached = this.cache.get(key);
    if (cached) return abortable(cached, signal, 'search');
    // The shared request is not tied to the first asker's signal, so one cancellation
    // does not fail every task waiting on it; each asker stops waiting on its own signal.
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 30_000);
    const asking = this.paced(provider, controller.signal, () =>
      this.pool.run(category, controller.signal, () =>
        provider.search(query, count, controller.signal, this.http),
      ),
    ).finally(() => clearTimeout(timer));
    this.cache.set(key, asking);
    asking.catch(() => this.cache.delete(key));
    return abortable(asking, signal, 'search');
  }

  /** `call` on `provider`'s turn; a 429 with `Retry-After` holds the provider for everyone. */
  private async paced<T>(
    provider: SearchProvider,
    signal: AbortSignal,
    call: () => Promise<T>,
  ): Promise<T> {
    await this.pacer.turn(provider.name, signal);
    try {
      return await call();
    } catch (error) {
      if (error instanceof WebError && error.retryAfterMs !== undefined) {
        this.pacer.hold(provider.name, error.retryAfterMs);
      }
      throw error;
    }
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
