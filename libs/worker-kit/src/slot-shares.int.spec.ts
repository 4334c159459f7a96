import { TaskQueue } from '@fanout/messaging';
import type { Subjects, TaskEnvelope } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { dispatch, envelope, freshNames, gate, natsHarness, startWorker } from './testing/fixtures';
import type { AnyTool, PoolShares } from './worker-options';

/** A call as the tool saw it start: its workflow and its class. */
interface Start {
  workflowId: string;
  kind: string;
}

/**
 * A `noop` stand-in that records each start and holds every call until the test lets
 * calls go one by one (`release`) or all at once (`releaseAll`): what started is counted,
 * never timed.
 */
function heldTool() {
  const starts: Start[] = [];
  const held: (() => void)[] = [];
  let open = false;
  const tool: AnyTool = async (input, ctx) => {
    starts.push({ workflowId: ctx.workflowId, kind: String((input as { echo?: string }).echo) });
    if (!open) {
      const wait = gate();
      held.push(wait.open);
      await wait.promise;
    }
    return { sleptMs: 0 };
  };
  return {
    tool,
    starts,
    release: () => held.shift()?.(),
    releaseAll: () => {
      open = true;
      for (const go of held.splice(0)) go();
    },
  };
}

const byEcho: Pick<PoolShares, 'classOf'> = {
  classOf: (task) => (task.input as { echo?: string } | undefined)?.echo,
};

const task = (n: number, kind: string, overrides: Partial<TaskEnvelope> = {}) =>
  envelope(n, { input: { echo: kind }, ...overrides });

const count = (starts: Start[], key: keyof Start) =>
  starts.reduce<Record<string, number>>((counts, start) => {
    counts[start[key]] = (counts[start[key]] ?? 0) + 1;
    return counts;
  }, {});

describe('a pool chooses what starts, on a real nats-server', () => {
  const harness = natsHarness();

  async function setup(
    name: string,
    slots: number,
    options: { shares?: PoolShares; lookahead?: number },
  ) {
    const names = await freshNames(harness.connection, name);
    const held = heldTool();
    await startWorker(
      {
        connection: harness.connection,
        names,
        service: 'test-worker',
        tools: { noop: held.tool },
        pools: { noop: slots },
        ...(options.shares ? { shares: { noop: options.shares } } : {}),
        ...(options.lookahead ? { lookahead: options.lookahead } : {}),
      },
      harness.cleanup,
    );
    return { names, ...held };
  }

  /** Every task handed to the worker: nothing waits on the queue, all of it in its buffers or slots. */
  const allDelivered = (names: Subjects) => async () =>
    (await new TaskQueue(harness.connection, names).backlog('noop')).every((l) => l.waiting === 0);

  it('bash categories are reservations: 16 builds fill the pool, then a waiting git takes the next free slots', async () => {
    const { names, starts, release, releaseAll } = await setup('reserve', 16, {
      shares: { shares: { build: 4 / 16, git: 2 / 16 }, ...byEcho },
    });
    const builds = Array.from({ length: 40 }, (_, n) => task(n, 'build'));
    await dispatch(harness.connection, names, ...builds, task(40, 'git'), task(41, 'git'));
    // Not 4: no category's ceiling holds the pool back while nothing else waits.
    await expect.poll(() => starts.length, { timeout: 20_000 }).toBe(16);
    expect(count(starts, 'kind')).toEqual({ build: 16 });
    await expect.poll(allDelivered(names), { timeout: 20_000 }).toBe(true);
    for (const expected of ['git', 'git', 'build']) {
      release();
      await expect.poll(() => starts.length, { timeout: 20_000 }).toBe(starts.length + 1);
      expect(starts.at(-1)?.kind).toBe(expected);
    }
    releaseAll();
    await expect.poll(() => starts.length, { timeout: 30_000 }).toBe(42);
  });

  it('search categories get their shares of a contended pool of 32, and one alone uses all of it', async () => {
    const shares = {
      'primary-research': 8,
      'technical-documentation': 6,
      'code-examples': 4,
      'api-documentation': 4,
      'framework-specific': 4,
      performance: 3,
      security: 2,
      community: 1,
    };
    const fractions = Object.fromEntries(Object.entries(shares).map(([k, v]) => [k, v / 32]));
    const contended = await setup('search-shares', 32, {
      shares: { shares: fractions, ...byEcho },
    });
    // Earlier work of no category holds the pool while the searches queue up behind it.
    const earlier = Array.from({ length: 32 }, (_, n) => task(100 + n, 'earlier'));
    const rounds = Array.from({ length: 8 }, (_, round) =>
      Object.keys(shares).map((kind, k) => task(round * 8 + k, kind)),
    );
    await dispatch(harness.connection, contended.names, ...earlier, ...rounds.flat());
    await expect.poll(() => contended.starts.length, { timeout: 20_000 }).toBe(32);
    await expect.poll(allDelivered(contended.names), { timeout: 20_000 }).toBe(true);
    for (let n = 0; n < 32; n++) contended.release();
    await expect.poll(() => contended.starts.length, { timeout: 20_000 }).toBe(64);
    expect(count(contended.starts.slice(32), 'kind')).toEqual(shares);
    contended.releaseAll();

    const alone = await setup('search-alone', 32, { shares: { shares: fractions, ...byEcho } });
    await dispatch(
      harness.connection,
      alone.names,
      ...Array.from({ length: 40 }, (_, n) => task(n, 'community')),
    );
    await expect.poll(() => alone.starts.length, { timeout: 20_000 }).toBe(32);
    alone.releaseAll();
  });

  it('shares a contended pool between workflows by weight: B of weight 3 starts three calls for each of A', async () => {
    const { names, starts, release, releaseAll } = await setup('weights', 2, { lookahead: 50 });
    const a = Array.from({ length: 40 }, (_, n) => task(n, 'a', { workflowId: 'wf-a', weight: 1 }));
    const b = Array.from({ length: 40 }, (_, n) => task(n, 'b', { workflowId: 'wf-b', weight: 3 }));
    await dispatch(harness.connection, names, ...a, ...b);
    // A's two calls, first on the queue, hold both slots until every task is buffered.
    await expect.poll(() => starts.length, { timeout: 20_000 }).toBe(2);
    await expect.poll(allDelivered(names), { timeout: 20_000 }).toBe(true);
    for (let n = 0; n < 40; n++) {
      release();
      await expect.poll(() => starts.length, { timeout: 20_000 }).toBe(3 + n);
    }
    const next40 = count(starts.slice(2, 42), 'workflowId');
    expect(next40).toEqual({ 'wf-a': 10, 'wf-b': 30 });
    releaseAll();
    await expect.poll(() => starts.length, { timeout: 30_000 }).toBe(80);
  });
});
