import { describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import { dispatch, envelope, freshNames, natsHarness, startWorker } from './testing/fixtures';
import type { AnyTool } from './worker-options';

describe('load balancing between workers', () => {
  const harness = natsHarness();

  it('splits a backlog by capacity: a worker pulls only for free slots', async () => {
    const names = await freshNames(harness.connection, 'balance');
    const ran = { small: 0, large: 0 };
    const counting =
      (who: keyof typeof ran): AnyTool =>
      async (input, ctx) => {
        ran[who] += 1;
        return noopTool(input as never, ctx);
      };
    const start = (who: keyof typeof ran, slots: number) =>
      startWorker(
        {
          connection: harness.connection,
          names,
          service: 'test-worker',
          instance: who,
          tools: { noop: counting(who) },
          pools: { noop: slots },
        },
        harness.cleanup,
      );
    await start('small', 4);
    await start('large', 12);
    const tasks = Array.from({ length: 400 }, (_, n) => envelope(n, { input: { sleepMs: 20 } }));
    await dispatch(harness.connection, names, ...tasks);
    await expect.poll(() => ran.small + ran.large, { timeout: 30_000 }).toBe(400);
    // 12 of 16 slots: three quarters of the work, within 20%.
    const share = ran.large / 400;
    expect(share).toBeGreaterThan(0.75 * 0.8);
    expect(share).toBeLessThan(Math.min(1, 0.75 * 1.2));
  });
});
