import { describe, expect, it } from 'vitest';
import { ShellErrorCode } from '../errors';
import { rejection } from '../testing/fixtures';
import { LockManager } from './lock-manager';

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

  it('never deadlocks two callers asking for the same locks in opposite orders', async () => {
    const locks = new LockManager();
    const runs = Array.from({ length: 50 }, (_, index) =>
      locks.run(index % 2 ? ['a', 'b'] : ['b', 'a'], async () => index),
    );
    expect((await Promise.all(runs)).length).toBe(50);
  });

  it('lets callers of different locks run together', async () => {
    const locks = new LockManager();
    const a = await locks.acquire(['a']);
    const b = await locks.acquire(['b']);
    a();
    b();
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
