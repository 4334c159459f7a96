import { SearchCategory } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { CategoryPool, UNCATEGORISED } from './category-pool';

const signal = new AbortController().signal;

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('category shares of the search pool', () => {
  it('guarantees 8, 6, 4, 4, 4, 3, 2 and 1 of 32 instances by default, in the order of the categories, and one to the rest', () => {
    const pool = new CategoryPool(32);
    const categories = [...SearchCategory.options, UNCATEGORISED];
    expect(categories.map((category) => pool.guarantee(category))).toEqual([
      8, 6, 4, 4, 4, 3, 2, 1, 1,
    ]);
    expect(new CategoryPool(16).guarantee('primary-research')).toBe(4);
  });

  it('lends idle slots to a busy category', async () => {
    const pool = new CategoryPool(4, { a: 0.5, b: 0.5 });
    const hold = gate();
    const running = Array.from({ length: 4 }, () => pool.run('a', signal, () => hold.opened));
    expect(pool.used('a')).toBe(4);
    hold.open();
    await Promise.all(running);
    expect(pool.used('a')).toBe(0);
  });

  it('gives a freed slot to a category below its share before the borrower', async () => {
    const pool = new CategoryPool(4, { a: 0.5, b: 0.5 });
    const holds = Array.from({ length: 4 }, () => gate());
    const order: string[] = [];
    const a = holds.map((h) => pool.run('a', signal, () => h.opened));
    const moreA = pool.run('a', signal, async () => void order.push('a'));
    const b = pool.run('b', signal, async () => void order.push('b'));
    holds[0]!.open();
    await a[0];
    await b;
    expect(order[0]).toBe('b');
    for (const h of holds) h.open();
    await Promise.all([...a, moreA]);
    expect(order).toEqual(['b', 'a']);
  });

  it('stops waiting when cancelled', async () => {
    const pool = new CategoryPool(1, { a: 1 });
    const hold = gate();
    const first = pool.run('a', signal, () => hold.opened);
    const controller = new AbortController();
    const second = pool.run('a', controller.signal, async () => 'ran');
    controller.abort();
    await expect(second).rejects.toMatchObject({ code: 'CANCELLED' });
    hold.open();
    await first;
    expect(pool.used('a')).toBe(0);
  });
});
