import { WebFetch, type ChildOutcome } from '@fanout/contracts';
import { canonicalUrl } from '@fanout/tools-web';
import { boundedText } from '../web/evidence';
import { callOutcome, isModelRound, turnOf } from './model-round';

/** A fetched page: its URL as fetched and its text, bounded as answers carry it. */
export interface SeenPage {
  url: string;
  text: string;
}

/** What the tools showed the model: pages by canonical URL, and lines by `path:line`. */
export interface SeenEvidence {
  pages: Map<string, SeenPage>;
  lines: Map<string, string>;
}

/** Lines a result shows: grep-like matches `{path, line, text}` and `code.read` contents. */
function collectLines(value: unknown, lines: Map<string, string>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const item of value) collectLines(item, lines, depth + 1);
    return;
  }
  const record = value as Record<string, unknown>;
  const { path, line, text, content, startLine } = record;
  if (typeof path === 'string' && typeof line === 'number' && typeof text === 'string') {
    lines.set(`${path}:${line}`, text);
  }
  if (typeof path === 'string' && typeof content === 'string' && typeof startLine === 'number') {
    content.split('\n').forEach((each, offset) => lines.set(`${path}:${startLine + offset}`, each));
  }
  for (const nested of Object.values(record)) collectLines(nested, lines, depth + 1);
}

/** Everything the model rounds' tools returned that a finding may cite. */
export function seenEvidence(rounds: readonly ChildOutcome[]): SeenEvidence {
  const seen: SeenEvidence = { pages: new Map(), lines: new Map() };
  for (const outcome of rounds.filter(isModelRound)) {
    const turn = turnOf(outcome);
    turn.calls.forEach((_call, index) => {
      const said = callOutcome(outcome, turn, index);
      if (!('result' in said)) return;
      const page =
        said.tool === 'web.fetch' ? WebFetch.output.safeParse(said.result).data : undefined;
      const url = page && canonicalUrl(page.url);
      if (page && url) seen.pages.set(url, { url: page.url, text: boundedText(page.text) });
      else collectLines(said.result, seen.lines);
    });
  }
  return seen;
}
