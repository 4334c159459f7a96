import { describe, expect, it } from 'vitest';
import { ShellErrorCode } from '../errors';
import { rejection } from '../testing/fixtures';
import { CategoryLimiter } from './category-limiter';

describe('CategoryLimiter', () => {
  it('shares 16 slots 4/3/2/2/2/2/1 by default', () => {
    const limiter = new CategoryLimiter();
    expect(limiter.pool).toBe(16);
    expect(limiter.limits).toEqual({
      build: 4,
      'system-analysis': 3,
      git: 2,
      'package-management': 2,
      'process-management': 2,
      'file-operations': 2,
      network: 1,
    });
  });

  it('holds each kind to its own limit', async () => {
    const limiter = new CategoryLimiter();
    const releases = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire('build')));
    let fifth = false;
    const waiting = limiter.acquire('build').then((release) => {
      fifth = true;
      return release;
    });
    await Promise.resolve();
    expect(fifth).toBe(false);
    expect(limiter.snapshot().running.build).toBe(4);
    releases[0]!();
    (await waiting)();
    expect(fifth).toBe(true);
  });

  it('does not let a queue of one kind hold up another kind', async () => {
    const limiter = new CategoryLimiter();
    const builds = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire('build')));
    const queuedBuilds = Array.from({ length: 10 }, () => limiter.acquire('build'));
    const git = await limiter.acquire('git');
    expect(limiter.snapshot()).toMatchObject({ total: 5, waiting: 10 });
    git();
    for (const release of builds) release();
    for (const release of await Promise.all(queuedBuilds.slice(0, 4))) release();
  });

  it('caps the whole pool even when kinds have room', async () => {
    const limiter = new CategoryLimiter({ pool: 3, limits: { build: 3, git: 3 } });
    const held = [
      await limiter.acquire('build'),
      await limiter.acquire('build'),
      await limiter.acquire('git'),
    ];
    let granted = false;
    const waiting = limiter.acquire('git').then((release) => ((granted = true), release));
    await Promise.resolve();
    expect(granted).toBe(false);
    held[0]!();
    (await waiting)();
    for (const release of held.slice(1)) release();
  });

  it('gives up a place in the queue on abort with CANCELLED', async () => {
    const limiter = new CategoryLimiter({ limits: { network: 1 } });
    const first = await limiter.acquire('network');
    const controller = new AbortController();
    const waiting = limiter.acquire('network', controller.signal);
    controller.abort();
    expect((await rejection(waiting)).code).toBe(ShellErrorCode.Cancelled);
    expect(limiter.snapshot().waiting).toBe(0);
    first();
  });

  it('refuses a limit for a kind that does not exist, naming it', () => {
    expect(() => new CategoryLimiter({ limits: { builds: 2 } as never })).toThrow(
      /limits.builds is not a category/,
    );
    expect(() => new CategoryLimiter({ pool: 0 })).toThrow(/pool must be a positive whole number/);
  });
});
