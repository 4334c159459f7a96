import { SEARCH_CALLS } from '@fanout/agents';
import { describe, expect, it } from 'vitest';
import { CODEBASE_POOLS } from './codebase-pools';

describe('codebase pools', () => {
  it("total the design's 48 slots at most", () => {
    expect(
      Object.values(CODEBASE_POOLS).reduce((sum, slots) => sum + slots, 0),
    ).toBeLessThanOrEqual(48);
  });

  it('run every call of a search the codebase specialist splits at once', () => {
    expect(CODEBASE_POOLS['code.grep']).toBe(SEARCH_CALLS);
  });
});
