import { atPath } from '@fanout/contracts';
import { WebError, WebErrorCode } from '../errors';
import { getJson } from './provider-http';
import type { RawResult, SearchProvider } from './provider';

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * SearXNG's JSON API (`/search?q=…&format=json`): the default, self-hosted, keyless.
 * Its instance must have the `json` format enabled.
 */
export function searxng(baseUrl: string): SearchProvider {
  return {
    name: 'searxng',
    async search(query, count, signal, http) {
      const url = new URL('search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
      url.searchParams.set('q', query);
      url.searchParams.set('format', 'json');
      const body = (await getJson(http, 'searxng', url, signal)) as { results?: unknown[] };
      return (body.results ?? []).slice(0, count * 2).map((r) => {
        const item = r as Record<string, unknown>;
        return {
          url: str(item.url),
          title: str(item.title),
          snippet: str(item.content),
          ...(typeof item.score === 'number' ? { score: item.score } : {}),
        };
      });
    },
  };
}

/** Brave Search's web API, keyed by `X-Subscription-Token`; `baseUrl` is for tests. */
export function brave(
  apiKey: string,
  baseUrl = 'https://api.search.brave.com/res/v1/',
): SearchProvider {
  return {
    name: 'brave',
    async search(query, count, signal, http) {
      const url = new URL('web/search', baseUrl);
      url.searchParams.set('q', query);
      url.searchParams.set('count', String(Math.min(count, 20)));
      const body = (await getJson(http, 'brave', url, signal, {
        'x-subscription-token': apiKey,
      })) as {
        web?: { results?: unknown[] };
      };
      return (body.web?.results ?? []).map((r) => {
        const item = r as Record<string, unknown>;
        return { url: str(item.url), title: str(item.title), snippet: str(item.description) };
      });
    },
  };
}

/**
 * Any JSON search endpoint, described rather than coded: a URL template with `{query}`
 * and `{count}`, the dotted path to the result list, and the paths of each result's
 * title, URL and snippet.
 */
export interface GenericProviderConfig {
  name: string;
  urlTemplate: string;
  resultsPath: string;
  titlePath: string;
  urlPath: string;
  snippetPath: string;
  headers?: Record<string, string>;
}

/** A provider for the endpoint `config` describes. */
export function genericJson(config: GenericProviderConfig): SearchProvider {
  return {
    name: config.name,
    async search(query, count, signal, http) {
      const url = new URL(
        config.urlTemplate
          .replaceAll('{query}', encodeURIComponent(query))
          .replaceAll('{count}', String(count)),
      );
      const list = atPath(
        await getJson(http, config.name, url, signal, config.headers),
        config.resultsPath,
      );
      if (!Array.isArray(list)) {
        throw new WebError(
          WebErrorCode.ProviderError,
          `${config.name}: no list at ${config.resultsPath}`,
        );
      }
      return list.map((item): RawResult => ({
        url: str(atPath(item, config.urlPath)),
        title: str(atPath(item, config.titlePath)),
        snippet: str(atPath(item, config.snippetPath)),
      }));
    },
  };
}
