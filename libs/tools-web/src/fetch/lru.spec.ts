import { describe, expect, it } from 'vitest';
import { Lru } from './lru';

describe('bounded cache', () => {
  it('evicts the least recently used entry, not one read since it was stored', () => {
    const lru = new Lru<number>(4);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) lru.set(key, i);
    expect(lru.get('a')).toBe(0);
    lru.set('e', 4);
    expect(lru.get('b')).toBeUndefined();
    expect(['a', 'c', 'd', 'e'].map((key) => lru.get(key))).toEqual([0, 2, 3, 4]);
  });

  it('forgets an entry once its time to live has passed', () => {
    let now = 0;
    const lru = new Lru<string>(4, 1_000, () => now);
    lru.set('k', 'v');
    lru.set('short', 'v', 10);
    now = 500;
    expect([lru.get('k'), lru.get('short')]).toEqual(['v', undefined]);
    now = 1_000;
    expect(lru.get('k')).toBeUndefined();
  });
});
