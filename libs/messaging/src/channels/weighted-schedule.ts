/** Default weights of the five priority levels: p0 gets 16 turns for every turn of p4. */
export const DEFAULT_WEIGHTS = [16, 8, 4, 2, 1] as const;

/** The default weights for `levels` levels: halving from the top, so the last level gets 1. */
export function defaultWeights(levels: number): number[] {
  return Array.from({ length: levels }, (_, level) => 2 ** (levels - 1 - level));
}

/**
 * One cycle of smooth weighted round-robin (the nginx algorithm): level i appears
 * `weights[i]` times in a cycle of `sum(weights)` turns, spread out rather than bunched,
 * and the highest-priority level comes first.
 */
export function weightedCycle(weights: readonly number[]): number[] {
  if (weights.length === 0) throw new Error('weighted round-robin needs at least one level');
  for (const [level, weight] of weights.entries()) {
    if (!Number.isInteger(weight) || weight < 1) {
      throw new Error(`weight of level ${level} must be a positive integer, got ${weight}`);
    }
  }
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const credit = weights.map(() => 0);
  const cycle: number[] = [];
  for (let turn = 0; turn < total; turn++) {
    let best = 0;
    weights.forEach((weight, level) => {
      credit[level] = (credit[level] ?? 0) + weight;
      if ((credit[level] ?? 0) > (credit[best] ?? 0)) best = level;
    });
    credit[best] = (credit[best] ?? 0) - total;
    cycle.push(best);
  }
  return cycle;
}

/**
 * Picks the level to serve next: walks the weighted cycle from where the last pick left
 * off and takes the first turn whose level has something ready. A level with nothing
 * ready loses its turn (the consumer never idles while work is waiting), and a level that
 * stays ready is served within one cycle, `sum(weights)` picks: no starvation.
 */
export class WeightedPicker {
  private readonly cycle: number[];
  private cursor = 0;
  constructor(weights: readonly number[]) {
    this.cycle = weightedCycle(weights);
  }

  /** The turns in one cycle: the most picks a ready level can wait. */
  get cycleLength(): number {
    return this.cycle.length;
  }

  /** The next level with something ready, or undefined when none has. */
  pick(ready: (level: number) => boolean): number | undefined {
    for (let step = 0; step < this.cycle.length; step++) {
      const turn = (this.cursor + step) % this.cycle.length;
      const level = this.cycle[turn] ?? 0;
      if (ready(level)) {
        this.cursor = (turn + 1) % this.cycle.length;
        return level;
      }
    }
    return undefined;
  }
}
