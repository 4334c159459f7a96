import { envelope } from '@fanout/messaging/testing';
import { DEFAULT_CATEGORY_SHARES, UNCATEGORISED } from '@fanout/tools-web';
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
  it("a search's class is its category, else the uncategorised one", () => {
    const shares = searchCategoryShares(DEFAULT_CATEGORY_SHARES);
    expect(shares.shares).toBe(DEFAULT_CATEGORY_SHARES);
    expect(shares.classOf(search('security'))).toBe('security');
    expect(shares.classOf(search())).toBe(UNCATEGORISED);
  });
});
