import { normalizeQuery, type ToolParamsOf } from '@fanout/contracts';
import { goalTermsOf } from './terms';

/** The eight categories of the seed's query split. */
type SearchCategory = NonNullable<ToolParamsOf<'web.search'>['category']>;

/** One search the specialist asks: the query and the category whose share of the pool runs it. */
export interface PlannedSearch {
  category: SearchCategory;
  query: string;
}

/**
 * The query variants of each category, as many as the category's instances in the seed's
 * split of a batch (8, 6, 4, 4, 4, 3, 2, 1): broad research first, community last.
 * `topic` is the goal's terms; the first primary query is the goal as written.
 */
const VARIANTS: Record<SearchCategory, (topic: string, goal: string) => string[]> = {
  'primary-research': (topic, goal) => [
    goal,
    topic,
    `${topic} overview`,
    `${topic} explained`,
    `${topic} how it works`,
    `${topic} research paper`,
    `${topic} design`,
    `${topic} introduction`,
  ],
  'technical-documentation': (topic) => [
    `${topic} documentation`,
    `${topic} guide`,
    `${topic} tutorial`,
    `${topic} reference manual`,
    `${topic} specification`,
    `${topic} configuration`,
  ],
  'code-examples': (topic) => [
    `${topic} example`,
    `${topic} code sample`,
    `${topic} github`,
    `${topic} snippet`,
  ],
  'api-documentation': (topic) => [
    `${topic} api`,
    `${topic} api reference`,
    `${topic} sdk`,
    `${topic} options parameters`,
  ],
  'framework-specific': (topic) => [
    `${topic} typescript`,
    `${topic} node.js`,
    `${topic} library`,
    `${topic} framework integration`,
  ],
  performance: (topic) => [`${topic} performance`, `${topic} benchmark`, `${topic} scalability`],
  security: (topic) => [`${topic} security`, `${topic} vulnerability`],
  community: (topic) => [`${topic} discussion`],
};

/** At most this many goal terms make the topic: search engines do worse with long queries. */
const TOPIC_TERMS = 8;

/** The topic queries are built on: the goal's terms, or the goal itself when it has none. */
export function topicOf(goal: string): string {
  const terms = goalTermsOf(goal).slice(0, TOPIC_TERMS);
  return terms.length > 0 ? terms.join(' ') : goal.trim();
}

/**
 * The first round's searches: every category's variants, in category order, each query
 * kept once however it is spelled (`normalizeQuery`) — the first category to ask it keeps it.
 */
export function searchesFor(goal: string): PlannedSearch[] {
  const topic = topicOf(goal);
  const seen = new Set<string>();
  const searches: PlannedSearch[] = [];
  for (const [category, variants] of Object.entries(VARIANTS) as [
    SearchCategory,
    (typeof VARIANTS)[SearchCategory],
  ][]) {
    for (const query of variants(topic, goal.trim())) {
      const key = normalizeQuery(query);
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      searches.push({ category, query });
    }
  }
  return searches;
}
