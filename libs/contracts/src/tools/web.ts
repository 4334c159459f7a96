import { z } from 'zod';
import { defineTool } from './define-tool';
import { normalizeQuery } from './normalize-query';

/** The query categories a batch may tag its searches with; each has a share of the pool. */
export const SearchCategory = z.enum([
  'primary-research',
  'technical-documentation',
  'code-examples',
  'api-documentation',
  'framework-specific',
  'performance',
  'security',
  'community',
]);

const searchResult = z.object({
  url: z.url(),
  title: z.string(),
  snippet: z.string(),
  rank: z.number().int().positive(),
  score: z.number().optional(),
  provider: z.string(),
});

const searchInput = z.strictObject({
  query: z.string().min(1).max(2_000),
  provider: z.string().optional(),
  count: z.number().int().min(1).max(100).default(10),
  domains: z.array(z.string()).optional().describe('Keep only results from these domains.'),
  exclude: z.array(z.string()).optional().describe('Drop results from these domains.'),
  category: SearchCategory.optional(),
});

/**
 * What makes two searches the same question: the question however spelled, the provider,
 * the count and the domain filters as sets. The category only decides which share of the
 * pool asks it.
 */
function searchKey(input: unknown): unknown {
  const { query, provider, count, domains, exclude } = input as z.output<typeof searchInput>;
  const set = (list?: string[]) => [...new Set(list?.map((host) => host.toLowerCase()))].sort();
  return {
    query: normalizeQuery(query),
    provider: provider ?? null,
    count,
    domains: set(domains),
    exclude: set(exclude),
  };
}

/** The same key for a call not yet checked (defaults not filled in), as a string. */
function sameQuestion(input: unknown): string | undefined {
  const checked = searchInput.safeParse(input);
  return checked.success ? JSON.stringify(searchKey(checked.data)) : undefined;
}

export const WebSearch = defineTool({
  name: 'web.search',
  preemptible: true,
  description:
    'queries a search provider (or several at once where the deployment fans out, fused by reciprocal rank) and returns deduplicated, ranked results, each streamed as it first arrives',
  input: searchInput,
  output: z.object({ query: z.string(), provider: z.string(), results: z.array(searchResult) }),
  chunk: searchResult,
  cache: { key: searchKey, maxAgeMs: 600_000 },
  // Equal searches of a workflow go one at a time, so the repeats of a batch are answered
  // from the first one's kept result, whichever replica takes them.
  spread: { key: sameQuestion, limit: 1 },
});

/** The host a fetch goes to: what `web.fetch` calls are spread by. */
function hostOf(input: unknown): string | undefined {
  const url = (input as { url?: unknown } | null | undefined)?.url;
  return typeof url === 'string' && URL.canParse(url) ? new URL(url).hostname : undefined;
}

export const WebFetch = defineTool({
  name: 'web.fetch',
  preemptible: true,
  description:
    'fetches a page politely (robots.txt, per-host limits, SSRF guard) and extracts its text',
  input: z.strictObject({
    url: z.url({ protocol: /^https?$/ }),
    extract: z.enum(['readable', 'text', 'html']).default('readable'),
    maxBytes: z.number().int().positive().default(5_242_880),
    timeoutMs: z.number().int().positive().max(300_000).default(30_000),
  }),
  output: z.object({
    url: z.string().describe('The final URL after redirects.'),
    status: z.number().int(),
    contentType: z.string(),
    title: z.string().optional(),
    text: z.string(),
    links: z.array(z.string()),
    bytes: z.number().int().nonnegative(),
    truncated: z.boolean(),
  }),
  // As many to one host as the web worker lets in at once (its default per-host limit).
  spread: { key: hostOf, limit: 4 },
});
