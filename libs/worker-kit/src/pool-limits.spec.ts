import { describe, expect, it } from 'vitest';
import { poolsUnderLimits } from './pool-limits';

const base = new Map([
  ['code.grep', 32],
  ['code.read', 8],
]);

describe('pools under a limits broadcast', () => {
  it("scale each pool of a family by its factor, from the worker's own starting sizes", () => {
    expect(poolsUnderLimits(base, { pools: {}, factors: { codebase: 1.5 } })).toEqual(
      new Map([
        ['code.grep', 48],
        ['code.read', 12],
      ]),
    );
    expect(poolsUnderLimits(base, { pools: {}, factors: { codebase: 0.1 } }).get('code.read')).toBe(
      1,
    );
  });

  it('take a tool named outright over its factor, 0 pausing it', () => {
    const sizes = poolsUnderLimits(base, { pools: { 'code.grep': 0 }, factors: { codebase: 2 } });
    expect(sizes).toEqual(
      new Map([
        ['code.grep', 0],
        ['code.read', 16],
      ]),
    );
  });

  it('go back to the starting sizes for a family the broadcast leaves out', () => {
    expect(poolsUnderLimits(base, { pools: { 'web.fetch': 4 }, factors: { web: 2 } })).toEqual(
      base,
    );
  });
});
