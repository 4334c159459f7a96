import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WEIGHTS,
  defaultWeights,
  WeightedPicker,
  weightedCycle,
} from './weighted-schedule';

describe('the weighted cycle', () => {
  it('gives each level as many turns as its weight, p0 first', () => {
    const cycle = weightedCycle(DEFAULT_WEIGHTS);
    expect(cycle).toHaveLength(31);
    expect(cycle[0]).toBe(0);
    const turns = [0, 1, 2, 3, 4].map((level) => cycle.filter((l) => l === level).length);
    expect(turns).toEqual([16, 8, 4, 2, 1]);
  });

  it('spreads p0 out instead of giving it 16 turns in a row', () => {
    const cycle = weightedCycle(DEFAULT_WEIGHTS);
    const longestRun = Math.max(
      ...cycle.map((_, start) => {
        let run = 0;
        while (cycle[start + run] === 0) run++;
        return run;
      }),
    );
    expect(longestRun).toBe(1);
  });

  it('defaults to halving weights for any number of levels', () => {
    expect(defaultWeights(5)).toEqual([...DEFAULT_WEIGHTS]);
    expect(defaultWeights(2)).toEqual([2, 1]);
  });

  it('refuses a weight that is not a positive integer, naming the level', () => {
    expect(() => weightedCycle([4, 0])).toThrow('weight of level 1 must be a positive integer');
  });
});

describe('the weighted picker', () => {
  it('follows the cycle when every level has work', () => {
    const picker = new WeightedPicker(DEFAULT_WEIGHTS);
    const picks = Array.from({ length: 31 }, () => picker.pick(() => true));
    expect(picks).toEqual(weightedCycle(DEFAULT_WEIGHTS));
  });

  it('skips levels with nothing ready and returns undefined when none has', () => {
    const picker = new WeightedPicker(DEFAULT_WEIGHTS);
    expect(picker.pick((level) => level === 3)).toBe(3);
    expect(picker.pick(() => false)).toBeUndefined();
  });

  it('serves a level that stays ready within one cycle, whatever else is ready', () => {
    const picker = new WeightedPicker(DEFAULT_WEIGHTS);
    for (let round = 0; round < 5; round++) {
      const picks = Array.from({ length: picker.cycleLength }, () => picker.pick(() => true));
      expect(picks).toContain(4);
    }
  });
});
