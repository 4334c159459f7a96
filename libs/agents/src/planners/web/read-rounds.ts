import {
  WebFetch,
  WebSearch,
  type ChildOutcome,
  type FanoutError,
  type ToolOutputOf,
} from '@fanout/contracts';

export type SearchOutput = ToolOutputOf<'web.search'>;
export type FetchOutput = ToolOutputOf<'web.fetch'>;

/** What one round's tasks of a tool gave: their results in task order, and their failures. */
export interface ToolResults<T> {
  results: T[];
  failures: FanoutError[];
}

/**
 * The results of a round's `tool` tasks of one phase (`search` or `fetch`), read back from
 * the child's final results; a value that is not what the tool returns is left out. The
 * failures come from the child's synthesis, with the error each task ended with.
 */
function readTool<T>(
  outcome: ChildOutcome | undefined,
  phase: string,
  parse: (value: unknown) => T | undefined,
  tool: string,
): ToolResults<T> {
  if (!outcome) return { results: [], failures: [] };
  const results = Object.entries(outcome.result ?? {})
    .filter(([key]) => key.startsWith(`${phase}.`))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .flatMap(([, value]) => {
      const parsed = parse(value);
      return parsed === undefined ? [] : [parsed];
    });
  const failures = outcome.synthesis.tasks.flatMap((task) =>
    task.tool === tool && task.status === 'failed' && task.error ? [task.error] : [],
  );
  return { results, failures };
}

/** The searches a round ran (phase `search`). */
export function searchesIn(outcome: ChildOutcome | undefined): ToolResults<SearchOutput> {
  return readTool(
    outcome,
    'search',
    (value) => WebSearch.output.safeParse(value).data,
    'web.search',
  );
}

/** The pages a round fetched (phase `fetch`). */
export function fetchesIn(outcome: ChildOutcome | undefined): ToolResults<FetchOutput> {
  return readTool(outcome, 'fetch', (value) => WebFetch.output.safeParse(value).data, 'web.fetch');
}
