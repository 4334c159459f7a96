import { normalizeQuery } from '@fanout/contracts';
import { topicOf } from './queries';
import { goalTermsOf, termsOf } from './terms';

/** Refined queries a third round asks: one per new term. */
const REFINEMENTS = 4;

/**
 * The terms the pages read so far keep using and the goal does not say: those on the most
 * pages first, then the most frequent, then alphabetically, so the same pages always give
 * the same terms. A term on one page only is that page's, not the topic's.
 */
export function newTermsIn(pages: readonly string[], goal: string, limit = REFINEMENTS): string[] {
  const known = new Set(goalTermsOf(goal));
  const pagesWith = new Map<string, number>();
  const count = new Map<string, number>();
  for (const text of pages) {
    const terms = termsOf(text).filter((term) => !known.has(term) && term.length >= 4);
    for (const term of terms) count.set(term, (count.get(term) ?? 0) + 1);
    for (const term of new Set(terms)) pagesWith.set(term, (pagesWith.get(term) ?? 0) + 1);
  }
  const minPages = pages.length > 1 ? 2 : 1;
  return [...pagesWith]
    .filter(([, on]) => on >= minPages)
    .sort(
      ([a, onA], [b, onB]) =>
        onB - onA || (count.get(b) ?? 0) - (count.get(a) ?? 0) || a.localeCompare(b),
    )
    .slice(0, limit)
    .map(([term]) => term);
}

/** The refined queries: the topic with each new term, none asked before. */
export function refinedQueries(goal: string, terms: readonly string[], asked: readonly string[]) {
  const seen = new Set(asked.map(normalizeQuery));
  const topic = topicOf(goal);
  return terms
    .map((term) => `${topic} ${term}`)
    .filter((query) => {
      const key = normalizeQuery(query);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}
