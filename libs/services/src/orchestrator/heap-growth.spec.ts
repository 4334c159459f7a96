import { describe, expect, it } from 'vitest';
import { limitHeapGrowth } from './heap-growth';

describe('limitHeapGrowth', () => {
  it('given node started without the flag, sets it', () => {
    expect(limitHeapGrowth(50, ['--max-semi-space-size=16', ''])).toBe(true);
  });

  it('given the flag on the command line or in NODE_OPTIONS, leaves it as given', () => {
    expect(limitHeapGrowth(50, ['--heap-growing-percent=50', ''])).toBe(false);
    expect(
      limitHeapGrowth(50, ['--inspect', '--max-old-space-size=512 --heap-growing-percent=5']),
    ).toBe(false);
  });
});
