import { describe, expect, it } from 'vitest';
import { countFromEnv, spreadSamples } from './run-counts';

describe('a bench run count', () => {
  it('is the variable when it is a whole number no smaller than the least, else the default', () => {
    expect(countFromEnv({}, 'BENCH_X_RUNS', 20)).toBe(20);
    expect(countFromEnv({ BENCH_X_RUNS: '' }, 'BENCH_X_RUNS', 20)).toBe(20);
    expect(countFromEnv({ BENCH_X_RUNS: '1' }, 'BENCH_X_RUNS', 20)).toBe(1);
    expect(countFromEnv({ BENCH_X_RUNS: '0' }, 'BENCH_X_RUNS', 10, 0)).toBe(0);
  });

  it.each(['0', '-3', 'abc', '2.5', 'Infinity'])('refuses "%s", naming the variable', (raw) => {
    expect(() => countFromEnv({ BENCH_X_RUNS: raw }, 'BENCH_X_RUNS', 20)).toThrow(
      `BENCH_X_RUNS must be a whole number, 1 or more; got "${raw}"`,
    );
  });
});

describe('the runs that take the slower samples', () => {
  it('are spread evenly, a quarter of 20 runs at every fourth', () => {
    expect([...spreadSamples(20, 5)]).toEqual([4, 8, 12, 16, 20]);
  });

  it.each([1, 2, 3, 5, 7])('are at least one of %i runs, the last among them', (runs) => {
    const turns = spreadSamples(runs, Math.max(1, Math.floor(runs / 4)));
    expect(turns.size).toBeGreaterThan(0);
    expect(turns.has(runs)).toBe(true);
    expect(Math.max(...turns)).toBeLessThanOrEqual(runs);
  });
});
