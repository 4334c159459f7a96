import { describe, expect, it } from 'vitest';
import { Backoff, BACKOFF, backoffDelay, sleep } from './backoff';

describe('backoffDelay', () => {
  it('doubles from the first pause to the largest, then stays there', () => {
    const policy = { firstMs: 100, maxMs: 1_000, jitter: 'none' } as const;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n))).toEqual([
      100, 200, 400, 800, 1_000, 1_000,
    ]);
  });

  it('draws an equal-jitter pause between half the ceiling and the ceiling', () => {
    const policy = BACKOFF.report;
    expect(backoffDelay(policy, 3, () => 0)).toBe(400);
    expect(backoffDelay(policy, 3, () => 1)).toBe(800);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(600);
  });

  it('stays finite however many attempts came before', () => {
    expect(backoffDelay(BACKOFF.reconnect, 10_000, () => 1)).toBe(BACKOFF.reconnect.maxMs);
  });
});

describe('Backoff', () => {
  it('grows with each attempt and starts over after a reset', () => {
    const backoff = new Backoff(BACKOFF.pull);
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([250, 500, 1_000]);
    backoff.reset();
    expect(backoff.next()).toBe(250);
  });
});

describe('sleep', () => {
  it('rejects with the signal reason as soon as it aborts', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort(new Error('stopping'));
    await expect(slept).rejects.toThrow('stopping');
  });

  it('rejects at once when the signal already aborted', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone');
  });
});
