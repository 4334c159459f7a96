import { canonicalUrl, clusterByDomain, reciprocalRankFusion } from '@fanout/tools-web';
import type { SearchOutput } from './read-rounds';

/** A page the searches found, ranked across all of them. */
export interface RankedPage {
  url: string;
  title: string;
  snippet: string;
  rank: number;
  /** The fused score: the sum of `1 / (60 + rank)` over the searches that found it. */
  score: number;
  /** How many searches found it. */
  foundBy: number;
  domain: string;
}

/** At most this many pages of one site before every other site has had its turn. */
const PER_DOMAIN = 2;

const domainOf = (url: string): string => new URL(url).hostname.replace(/^www\./, '');

/**
 * The searches' results fused into one list: a page found by several queries ranks above
 * one found once (reciprocal rank fusion, on the canonical URL, so spellings of a page
 * agree), then clustered by domain so the best pages of many sites come before the
 * tenth page of one.
 */
export function rankPages(searches: readonly SearchOutput[]): RankedPage[] {
  const lists = searches.map((search) =>
    search.results.flatMap((result) => {
      const url = canonicalUrl(result.url);
      return url === undefined ? [] : [{ ...result, url }];
    }),
  );
  const foundBy = new Map<string, number>();
  for (const list of lists) {
    for (const url of new Set(list.map((result) => result.url))) {
      foundBy.set(url, (foundBy.get(url) ?? 0) + 1);
    }
  }
  const fused = reciprocalRankFusion(lists);
  return clusterByDomain(fused, PER_DOMAIN).map((result) => ({
    url: result.url,
    title: result.title,
    snippet: result.snippet,
    rank: result.rank,
    score: result.score,
    foundBy: foundBy.get(result.url) ?? 1,
    domain: domainOf(result.url),
  }));
}

/** The best `limit` pages not fetched yet. */
export function pagesToFetch(
  pages: readonly RankedPage[],
  fetched: ReadonlySet<string>,
  limit: number,
): RankedPage[] {
  return pages.filter((page) => !fetched.has(page.url)).slice(0, Math.max(0, limit));
}
