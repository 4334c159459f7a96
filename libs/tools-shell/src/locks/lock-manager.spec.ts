import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ShellErrorCode } from '../errors';
import { rejection } from '../testing/fixtures';
import { LockManager } from './lock-manager';

const NAMES = ['a', 'b', 'c', 'd'];

/** `promise`, or a rejection after `ms`: a test of "never hangs" must not hang itself. */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('LockManager', () => {
  it('keeps holders of one lock apart, first come first served', async () => {
    const locks = new LockManager();
    const order: string[] = [];
    const first = await locks.acquire(['dist']);
    const second = locks.acquire(['dist']).then((release) => (order.push('second'), release));
    const third = locks.acquire(['dist']).then((release) => (order.push('third'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    first();
    (await second)();
    (await third)();
    expect(order).toEqual(['second', 'third']);
    expect(locks.isHeld('dist')).toBe(false);
  });

  it('never deadlocks callers taking overlapping lock sets in different orders, nor lets two hold one lock', async () => {
    const locks = new LockManager();
    const holders = new Map<string, number>();
    const overlaps: string[] = [];
    let inside = 0;
    let peakInside = 0;
    const caller = async (id: number) => {
      // Every caller wants some of a..d, half of them named in reverse order.
      const wanted = NAMES.filter((_, bit) => (id >> bit) & 1 || bit === id % NAMES.length);
      await locks.run(id % 2 ? [...wanted].reverse() : wanted, async () => {
        inside += 1;
        peakInside = Math.max(peakInside, inside);
        for (const name of wanted) {
          const other = holders.get(name);
          if (other !== undefined) overlaps.push(`${id} entered ${name} held by ${other}`);
          holders.set(name, id);
        }
        await sleep(id % 3);
        for (const name of wanted) holders.delete(name);
        inside -= 1;
      });
      return id;
    };
    const callers = Array.from({ length: 48 }, (_, id) => caller(id));
    const finished = await within(5_000, Promise.all(callers));
    expect(finished).toHaveLength(48);
    expect(overlaps).toEqual([]);
    // Callers of disjoint sets did run side by side: the check above saw real interleaving.
    expect(peakInside).toBeGreaterThan(1);
  });

  it('lets callers of different locks run together', async () => {
    const locks = new LockManager();
    const inside = new Set<string>();
    const bothInside = Promise.withResolvers<void>();
    let seenTogether = false;
    const caller = (name: string) =>
      locks.run([name], async () => {
        inside.add(name);
        if (inside.size === 2) {
          seenTogether = true;
          bothInside.resolve();
        }
        // Waits for the other caller to come in; a manager that kept them apart would
        // never let it, so the wait is bounded.
        await within(1_000, bothInside.promise).catch(() => undefined);
        inside.delete(name);
      });
    await Promise.all([caller('a'), caller('b')]);
    expect(seenTogether).toBe(true);
  });

  it('releases what it took when aborted while waiting for the rest', async () => {
    const locks = new LockManager();
    const holdB = await locks.acquire(['b']);
    const controller = new AbortController();
    const waiting = locks.acquire(['a', 'b'], controller.signal);
    await Promise.resolve();
    controller.abort();
    expect((await rejection(waiting)).code).toBe(ShellErrorCode.Cancelled);
    expect(locks.isHeld('a')).toBe(false);
    holdB();
  });
});
