/** A ranked result as fusion and clustering see it. */
export interface Ranked {
  url: string;
  rank: number;
}

/**
 * Reciprocal rank fusion (Cormack et al.): each list gives a result `1 / (k + rank)`, the
 * scores add up, and the fused list is ordered by the sum. Results that several queries
 * (or providers) agree on rise without anyone's raw scores having to be comparable.
 * Keeps the first-seen copy of each URL, with `score` set and `rank` renumbered.
 */
export function reciprocalRankFusion<T extends Ranked>(
  lists: T[][],
  k = 60,
): (T & { score: number })[] {
  const fused = new Map<string, { item: T; score: number; first: number }>();
  let order = 0;
  for (const list of lists) {
    for (const item of list) {
      const entry = fused.get(item.url);
      const gain = 1 / (k + item.rank);
      if (entry) entry.score += gain;
      else fused.set(item.url, { item, score: gain, first: order++ });
    }
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .map(({ item, score }, index) => ({ ...item, score, rank: index + 1 }));
}

/**
 * Domain clustering: at most `perDomain` results from one site, the rest pushed after
 * every other site's results (in their order), so one domain cannot fill a page of
 * results while still being there when nothing else is.
 */
export function clusterByDomain<T extends Ranked>(results: T[], perDomain = 2): T[] {
  const counts = new Map<string, number>();
  const head: T[] = [];
  const tail: T[] = [];
  for (const result of results) {
    const domain = new URL(result.url).hostname.replace(/^www\./, '');
    const seen = counts.get(domain) ?? 0;
    counts.set(domain, seen + 1);
    (seen < perDomain ? head : tail).push(result);
  }
  return [...head, ...tail].map((result, index) => ({ ...result, rank: index + 1 }));
}
