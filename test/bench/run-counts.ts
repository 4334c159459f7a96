/**
 * How many times a bench does something, as its `BENCH_*` variables say: a whole number
 * no smaller than the bench can use, or a clear refusal naming the variable.
 */
export function countFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  least = 1,
): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < least) {
    throw new Error(`${name} must be a whole number, ${least} or more; got "${raw}"`);
  }
  return value;
}

/**
 * Which of runs 1..`runs` also take one of `samples` slower samples, spread evenly so that
 * a drift of the machine touches them as it touches the rest; the last run always takes
 * one. With 20 runs and 5 samples: runs 4, 8, 12, 16 and 20.
 */
export function spreadSamples(runs: number, samples: number): Set<number> {
  const turns = new Set<number>();
  const count = Math.min(runs, samples);
  for (let k = 1; k <= count; k++) turns.add(Math.ceil((k * runs) / count));
  return turns;
}
