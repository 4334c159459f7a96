import type { WorkflowDocument } from '@fanout/contracts';
import type { PlannedSearch } from './queries';

/**
 * A phase that goes on without what failed: a search refused (no provider, a rate limit)
 * or a page that would not load leaves a hole in the round, not a failed child — the
 * specialist answers with what arrived and says what did not.
 */
const goOnWithout = { policy: 'degrade' } as const;

/** A round of searches (phase `search`), task ids `<prefix>-<n>`. */
export function searchPlan(searches: readonly PlannedSearch[], prefix: string): WorkflowDocument {
  return {
    name: 'web: search',
    phases: [
      {
        id: 'search',
        barrier: goOnWithout,
        tasks: searches.map(({ query, category }, n) => ({
          id: `${prefix}-${n}`,
          tool: 'web.search',
          input: { query, category, count: 10 },
        })),
      },
    ],
  };
}

/** A round of page fetches (phase `fetch`), task ids `<prefix>-<n>`; the engine spreads them by host. */
export function fetchPlan(urls: readonly string[], prefix: string): WorkflowDocument {
  return {
    name: 'web: read',
    phases: [
      {
        id: 'fetch',
        barrier: goOnWithout,
        tasks: urls.map((url, n) => ({
          id: `${prefix}-${n}`,
          tool: 'web.fetch',
          input: { url, extract: 'readable' },
        })),
      },
    ],
  };
}
