import { describe, expect, it } from 'vitest';
import { CODEBASE_POOLS } from './codebase-pools';

describe('codebase pools', () => {
  it("total the design's 48 slots", () => {
    expect(Object.values(CODEBASE_POOLS).reduce((sum, slots) => sum + slots, 0)).toBe(48);
  });
});
