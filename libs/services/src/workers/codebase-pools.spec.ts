import { SEARCH_CALLS } from '@fanout/agents';
import { describe, expect, it } from 'vitest';
import { CODEBASE_POOLS } from './codebase-pools';

describe('codebase pools', () => {
  it('run every call of a search the codebase specialist splits at once', () => {
    expect(CODEBASE_POOLS['code.grep']).toBe(SEARCH_CALLS);
  });
});
