import { envelope } from '@fanout/messaging/testing';
import { describe, expect, it } from 'vitest';
import { bashCategoryShares, searchCategoryShares } from './category-shares';

const bash = (command: string) => envelope(1, { tool: 'bash.exec', input: { command } });
const search = (category?: string) =>
  envelope(1, { tool: 'web.search', input: { query: 'q', ...(category ? { category } : {}) } });

describe("the bash worker's categories as reservations", () => {
  it('reserves the seed shares of 16 and classifies a command as the tool does', async () => {
    const shares = bashCategoryShares();
    await shares.ready?.();
    expect(shares.shares['build']).toBe(4 / 16);
    expect(shares.shares['network']).toBe(1 / 16);
    expect(Object.values(shares.shares).reduce((sum, share) => sum + share, 0)).toBe(1);
    expect(shares.classOf(bash('timeout 60 make -j4'))).toBe('build');
    expect(shares.classOf(bash('git status --short'))).toBe('git');
  });

  it('leaves a call without a command unclassified: it only borrows', async () => {
    const shares = bashCategoryShares();
    await shares.ready?.();
    expect(shares.classOf(envelope(1, { tool: 'bash.exec', input: {} }))).toBeUndefined();
  });
});

describe('the search categories as reservations', () => {
  it("shares the pool 8, 6, 4, 4, 4, 3, 2, 1 of 32 and a search's class is its category", () => {
    const shares = searchCategoryShares({});
    expect(shares.shares['primary-research']).toBe(8 / 32);
    expect(shares.shares['community']).toBe(1 / 32);
    expect(shares.classOf(search('security'))).toBe('security');
    expect(shares.classOf(search())).toBe('general');
  });

  it('follows FANOUT_SEARCH_SHARES', () => {
    const shares = searchCategoryShares({ FANOUT_SEARCH_SHARES: 'community=4' });
    expect(shares.shares['community']).toBe(4 / 32);
  });
});
