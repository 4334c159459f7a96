import { byText } from '../shared/outcomes';
import type { Knowledge } from './knowledge';
import type { Role } from './search-patterns';

/** How much a line says about a file's part in the goal: a definition most, a term least. */
const WEIGHT: Readonly<Record<Role, number>> = { definition: 8, call: 4, mention: 2, term: 1 };

/** Each file's weight of hits. */
export function hitScores(knowledge: Knowledge): Map<string, number> {
  const scores = new Map<string, number>();
  for (const hit of knowledge.hits.values()) {
    const weight = Math.max(...hit.roles.map(({ role }) => WEIGHT[role]));
    scores.set(hit.path, (scores.get(hit.path) ?? 0) + weight);
  }
  return scores;
}

/** Each file's centrality in the import graph (0 when it has none). */
export function centrality(knowledge: Knowledge): Map<string, number> {
  return new Map((knowledge.graph?.ranking ?? []).map(({ path, score }) => [path, score]));
}

/**
 * The files worth reading next: the relevant ones not read yet, by their hits and then
 * their centrality; and the import-graph neighbours of relevant files, by centrality.
 */
export function readCandidates(knowledge: Knowledge): {
  unreadRelevant: string[];
  neighbours: string[];
} {
  const hits = hitScores(knowledge);
  const central = centrality(knowledge);
  const unread = (path: string) => !knowledge.reads.has(path);
  const unreadRelevant = [...knowledge.relevant]
    .filter(unread)
    .sort(
      (a, b) =>
        (hits.get(b) ?? 0) - (hits.get(a) ?? 0) ||
        (central.get(b) ?? 0) - (central.get(a) ?? 0) ||
        byText(a, b),
    );
  const neighbours = [...neighboursOf(knowledge)]
    .filter((path) => unread(path) && !knowledge.relevant.has(path))
    .sort((a, b) => (central.get(b) ?? 0) - (central.get(a) ?? 0) || byText(a, b));
  return { unreadRelevant, neighbours };
}

/** Files that import a relevant file or that a relevant file imports. */
function neighboursOf(knowledge: Knowledge): Set<string> {
  const neighbours = new Set<string>();
  for (const edge of importEdges(knowledge)) {
    if (knowledge.relevant.has(edge.from)) neighbours.add(edge.to);
    if (knowledge.relevant.has(edge.to)) neighbours.add(edge.from);
  }
  return neighbours;
}

/** The graph's file-to-file imports, as paths. */
export function importEdges(knowledge: Knowledge): { from: string; to: string }[] {
  const edges: { from: string; to: string }[] = [];
  for (const edge of knowledge.graph?.edges ?? []) {
    if (edge.kind !== 'imports' || !edge.to.startsWith('file:')) continue;
    edges.push({ from: edge.from.slice('file:'.length), to: edge.to.slice('file:'.length) });
  }
  return edges;
}
