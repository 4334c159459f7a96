import type { ToolInputOf } from '@fanout/contracts';
import { AgentAggregate } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { aggregate } from './aggregate';

/** Runs agent.aggregate on input as a caller writes it, the contract's defaults applied. */
const when = (input: ToolInputOf<'agent.aggregate'>) =>
  aggregate(AgentAggregate.input.parse(input));

const page = (url: string, score?: number, site = 'a.org') => ({ url, site, score });

describe('agent.aggregate', () => {
  describe('given the results of three searches that overlap', () => {
    const lists = [
      [page('u1', 1), page('u2', 5)],
      [page('u2', 9), page('u3', -2, 'b.org')],
      [page('u2', 0), page('u1', 7), page('u4', undefined, 'b.org')],
    ];

    it('when merged by url, keeps each page once, the first seen, with the lists that held it', () => {
      const result = when({ lists, key: 'url' });
      expect(result.items).toEqual([
        { item: page('u1', 1), count: 2, lists: [0, 2] },
        { item: page('u2', 5), count: 3, lists: [0, 1, 2] },
        { item: page('u3', -2, 'b.org'), count: 1, lists: [1] },
        { item: page('u4', undefined, 'b.org'), count: 1, lists: [2] },
      ]);
      expect(result.total).toBe(7);
      expect(result.duplicates).toBe(3);
      expect(result.groups).toBeUndefined();
    });

    it('when ranked by count, puts what more lists found first and keeps ties in first-seen order', () => {
      const result = when({ lists, key: 'url', rankBy: 'count' });
      expect(result.items.map(({ item }) => (item as { url: string }).url)).toEqual([
        'u2',
        'u1',
        'u3',
        'u4',
      ]);
    });

    it('when ranked by a number, puts larger numbers first and items without one last', () => {
      const result = when({ lists, key: 'url', rankBy: 'score' });
      expect(result.items.map(({ item }) => item)).toEqual([
        page('u2', 5),
        page('u1', 1),
        page('u3', -2, 'b.org'),
        page('u4', undefined, 'b.org'),
      ]);
    });

    it('when grouped by site and limited, groups index the items that were kept', () => {
      const result = when({ lists, key: 'url', rankBy: 'count', groupBy: 'site', limit: 3 });
      expect(result.items).toHaveLength(3);
      expect(result.groups).toEqual({ 'a.org': [0, 1], 'b.org': [2] });
      expect(result.total).toBe(7);
      expect(result.duplicates).toBe(3);
    });
  });

  describe('given items without a key', () => {
    it('when merged by whole item, compares them as JSON whatever the order of their keys', () => {
      const result = when({
        lists: [
          [{ a: 1, b: { c: 2, d: 3 } }, 'x'],
          [{ b: { d: 3, c: 2 }, a: 1 }, 'x', { a: 1 }],
        ],
      });
      expect(result.items).toEqual([
        { item: { a: 1, b: { c: 2, d: 3 } }, count: 2, lists: [0, 1] },
        { item: 'x', count: 2, lists: [0, 1] },
        { item: { a: 1 }, count: 1, lists: [1] },
      ]);
    });

    it('when merged by a path some items lack, keeps each of those on its own', () => {
      const result = when({
        lists: [
          [{ id: 1 }, { other: 1 }],
          [{ other: 1 }, { id: 1 }],
        ],
        key: 'id',
      });
      expect(result.items.map(({ count }) => count)).toEqual([2, 1, 1]);
      expect(result.duplicates).toBe(1);
    });

    it('when one list holds an item twice, counts that list once and the copy as a duplicate', () => {
      const result = when({ lists: [['a', 'a'], ['a']] });
      expect(result.items).toEqual([{ item: 'a', count: 2, lists: [0, 1] }]);
      expect(result.duplicates).toBe(2);
    });
  });

  describe('given groups named by values that are not strings', () => {
    it('names them by their JSON and leaves out items without a value', () => {
      const result = when({
        lists: [
          [
            { n: 1, k: 3 },
            { n: 2, k: true },
            { n: 3 },
            { n: 4, k: '__proto__' },
            { n: 5, k: { b: 1, a: 2 } },
          ],
        ],
        key: 'n',
        groupBy: 'k',
      });
      expect(result.groups).toEqual({
        '3': [0],
        true: [1],
        ['__proto__']: [3],
        '{"a":2,"b":1}': [4],
      });
      expect(Object.hasOwn(result.groups!, '__proto__')).toBe(true);
    });
  });

  describe('given 100,000 items in ten lists, half of them repeats', () => {
    /** Items whose `url` getter counts its reads: real objects that tell how often a key is looked at. */
    let keyReads = 0;
    const item = (n: number) => ({
      get url() {
        keyReads += 1;
        return `https://site${n % 97}.example/page/${n}`;
      },
      score: n % 1000,
    });
    const lists = Array.from({ length: 10 }, (_, list) =>
      Array.from({ length: 10_000 }, (_, i) => item((list * 10_000 + i) % 50_000)),
    );

    it('looks at each item’s key once and merges them into 50,000 (the time is printed)', () => {
      keyReads = 0;
      const started = performance.now();
      const result = when({ lists, key: 'url', rankBy: 'count' });
      const elapsed = performance.now() - started;
      // Measured, never asserted on: a timing depends on the machine, the key reads do not.
      console.info(`agent.aggregate: 100,000 items in ${elapsed.toFixed(0)} ms`);
      expect(keyReads).toBe(100_000);
      expect(result.items).toHaveLength(50_000);
      expect(result.duplicates).toBe(50_000);
      expect(result.items.every(({ count, lists: held }) => count === 2 && held.length === 2)).toBe(
        true,
      );
    });
  });
});
