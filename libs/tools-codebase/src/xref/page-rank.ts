/** A weighted, directed edge between two nodes of a rank computation. */
export interface WeightedEdge {
  from: string;
  to: string;
  weight: number;
}

/**
 * PageRank over a weighted directed graph: a node is central when central nodes point at
 * it. On an import graph (importer -> imported) that is "what the rest of the code rests
 * on", the files to read first. Dangling nodes (importing nothing) spread their rank
 * evenly, so the scores always sum to 1. Deterministic: same graph, same scores.
 */
export function pageRank(
  nodes: string[],
  edges: WeightedEdge[],
  { damping = 0.85, iterations = 100, tolerance = 1e-12 } = {},
): Map<string, number> {
  const count = nodes.length;
  if (count === 0) return new Map();
  const index = new Map(nodes.map((node, i) => [node, i]));
  const outWeight = new Float64Array(count);
  const links: { from: number; to: number; weight: number }[] = [];
  for (const edge of edges) {
    const from = index.get(edge.from);
    const to = index.get(edge.to);
    if (from === undefined || to === undefined || from === to || edge.weight <= 0) continue;
    links.push({ from, to, weight: edge.weight });
    outWeight[from] += edge.weight;
  }
  let rank = new Float64Array(count).fill(1 / count);
  for (let round = 0; round < iterations; round += 1) {
    let dangling = 0;
    for (let i = 0; i < count; i += 1) if (outWeight[i] === 0) dangling += rank[i];
    const next = new Float64Array(count).fill((1 - damping) / count + (damping * dangling) / count);
    for (const { from, to, weight } of links) {
      next[to] += (damping * rank[from] * weight) / outWeight[from];
    }
    let change = 0;
    for (let i = 0; i < count; i += 1) change += Math.abs(next[i] - rank[i]);
    rank = next;
    if (change < tolerance) break;
  }
  return new Map(nodes.map((node, i) => [node, rank[i]]));
}
