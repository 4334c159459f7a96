import type { NotDone, WorkflowDocument } from '@fanout/contracts';
import type { Planner, PlanRequest, PlanStep } from '../../planner';
import { webAnswer } from './answer';
import { fetchPlan, searchPlan } from './plans';
import { searchesFor } from './queries';
import { rankPages, pagesToFetch } from './rank-pages';
import { fetchesIn, searchesIn } from './read-rounds';
import { newTermsIn, refinedQueries } from './refine';

/** A plan for the next round; templates spend no tokens. */
const next = (plan: WorkflowDocument): PlanStep => ({ plan, last: false, tokens: 0 });

/** Pages read after the first searches, and after the refined ones. */
const FIRST_PAGES = 8;
const MORE_PAGES = 4;

/**
 * The web research specialist, by templates (no model): a pure function of its request.
 *
 * Round 1 asks the goal in the seed's eight categories (8, 6, 4, 4, 4, 3, 2, 1 query
 * variants). Round 2 fuses what they found (a page several queries found ranks higher),
 * clusters it by domain and reads the best pages. Round 3 asks again with the terms those
 * pages keep using that the goal does not say; round 4 reads the new pages that finds.
 * Then it answers with quotes from the pages. A round with nothing to do answers early;
 * every round's plan is cut to the task budget each child gets.
 */
export const webPlanner: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    const { goal, rounds } = request;
    const cap = request.budget.maxTasks ?? Number.MAX_SAFE_INTEGER;
    const notDone: NotDone[] = [];
    // Every round's cut is worked out again from the request, so the answer names the cuts
    // of all rounds, not only of the last.
    const cut = <T>(wanted: readonly T[], what: string): T[] => {
      if (wanted.length > cap) {
        const why = cap < 1 ? 'the budget allows no task' : `the task budget is ${cap} per round`;
        notDone.push({ what: `${wanted.length - Math.max(0, cap)} ${what}`, why });
      }
      return wanted.slice(0, Math.max(0, cap));
    };

    const planned = searchesFor(goal);
    const asked = cut(planned, 'searches not asked');
    if (rounds.length === 0 && asked.length > 0) return next(searchPlan(asked, 'q'));

    const first = searchesIn(rounds[0]);
    const ranked = rankPages(first.results);
    const firstUrls = pagesToFetch(ranked, new Set(), FIRST_PAGES).map((page) => page.url);
    const firstPages = cut(firstUrls, 'pages not read');
    if (rounds.length === 1 && firstPages.length > 0) return next(fetchPlan(firstPages, 'p'));

    const read = fetchesIn(rounds[1]);
    const terms = newTermsIn(
      read.results.map((page) => page.text),
      goal,
    );
    const refinedQueriesWanted = refinedQueries(
      goal,
      terms,
      planned.map((search) => search.query),
    );
    const refined = cut(refinedQueriesWanted, 'refined searches not asked');
    if (rounds.length === 2 && refined.length > 0) {
      const searches = refined.map((query) => ({ category: 'primary-research' as const, query }));
      return next(searchPlan(searches, 'r'));
    }

    const second = searchesIn(rounds[2]);
    const reranked = rankPages([...first.results, ...second.results]);
    const seen = new Set([...firstPages, ...read.results.map((page) => page.url)]);
    const moreUrls = pagesToFetch(reranked, seen, MORE_PAGES).map((page) => page.url);
    const morePages = rounds[2] ? cut(moreUrls, 'pages not read') : [];
    if (rounds.length === 3 && morePages.length > 0) return next(fetchPlan(morePages, 'm'));

    const more = fetchesIn(rounds[3]);
    const answer = webAnswer({
      goal,
      queries: (rounds[0] ? asked.length : 0) + (rounds[2] ? refined.length : 0),
      ranked: reranked,
      pages: [...read.results, ...more.results],
      searchFailures: [...first.failures, ...second.failures],
      fetchFailures: [...read.failures, ...more.failures],
      refinedWith: rounds[2] ? terms : [],
      notDone,
    });
    return { answer, tokens: 0 };
  },
};
