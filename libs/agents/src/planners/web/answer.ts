import type { FanoutError, Finding, NotDone, SpecialistAnswer } from '@fanout/contracts';
import { WebErrorCode } from '@fanout/tools-web';
import { boundedText, quotesFor } from './evidence';
import type { FetchOutput } from './read-rounds';
import type { RankedPage } from './rank-pages';

/** What the web specialist knows when it answers. */
export interface WebFindings {
  goal: string;
  queries: number;
  ranked: readonly RankedPage[];
  pages: readonly FetchOutput[];
  searchFailures: readonly FanoutError[];
  fetchFailures: readonly FanoutError[];
  refinedWith: readonly string[];
  notDone: readonly NotDone[];
}

/** Failures of one kind of work, grouped by code: one line each, with the first message. */
function failuresOf(what: string, failures: readonly FanoutError[]): NotDone[] {
  const byCode = new Map<string, FanoutError[]>();
  for (const failure of failures) {
    byCode.set(failure.code, [...(byCode.get(failure.code) ?? []), failure]);
  }
  return [...byCode].map(([code, all]) => {
    const message = all[0]?.message ?? '';
    return {
      what: `${what} (${all.length})`,
      why:
        code === WebErrorCode.NoSearchProvider
          ? `no search provider: ${message}`
          : `${code}: ${message}`,
    };
  });
}

/**
 * The answer: a finding per page that speaks of the goal, its evidence the passages quoted
 * from the page as fetched (within the text the answer carries, so the master can check
 * them against `pages`), best-ranked pages first.
 */
export function webAnswer(found: WebFindings): SpecialistAnswer {
  const order = new Map(found.ranked.map((page, index) => [page.url, index]));
  const rankOf = (page: FetchOutput) => order.get(page.url) ?? Number.MAX_SAFE_INTEGER;
  const pages = [...found.pages].sort((a, b) => rankOf(a) - rankOf(b));
  const findings: Finding[] = pages.flatMap((page) => {
    const quotes = quotesFor(boundedText(page.text), found.goal);
    const [best] = quotes;
    if (best === undefined) return [];
    const source = page.title?.trim() || page.url;
    return [
      {
        specialist: 'web',
        claim: `${source}: ${best}`,
        evidence: quotes.map((quote) => ({ url: page.url, quote })),
      },
    ];
  });
  const domains = new Set(pages.map((page) => new URL(page.url).hostname)).size;
  const refined = found.refinedWith.length
    ? `, then refined with ${found.refinedWith.join(', ')}`
    : '';
  return {
    specialist: 'web',
    planner: 'templates',
    summary:
      `Asked ${found.queries} searches${refined}; read ${pages.length} pages from ${domains} sites; ` +
      `${findings.length} of them speak of the goal.`,
    findings,
    notDone: [
      ...found.notDone,
      ...failuresOf('web searches failed', found.searchFailures),
      ...failuresOf('pages could not be read', found.fetchFailures),
    ],
    pages: pages.map((page) => ({ url: page.url, text: boundedText(page.text) })),
  };
}
