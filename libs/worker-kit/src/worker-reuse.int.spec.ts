import { DataPipeline, ToolResultCache } from '@fanout/messaging';
import { TOOLS, type Subjects } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import {
  dispatch,
  envelope,
  freshNames,
  natsHarness,
  ReportLog,
  startWorker,
} from './testing/fixtures';
import { callDigest } from './result-reuse';
import type { AnyTool } from './worker-options';

/** A search tool that counts its calls and streams its two results, like web.search. */
function countingSearch() {
  const calls: string[] = [];
  async function* search(input: { query: string }) {
    calls.push(input.query);
    const results = [1, 2].map((rank) => ({
      url: `https://example.org/${rank}?q=${encodeURIComponent(input.query)}`,
      title: `result ${rank}`,
      snippet: `about ${input.query}`,
      rank,
      provider: 'searxng',
    }));
    for (const result of results) yield result;
    return { query: input.query, provider: 'searxng', results };
  }
  return { calls, tool: search as unknown as AnyTool };
}

describe('results reused across workers (a tool whose contract allows it)', () => {
  const harness = natsHarness();
  const { cleanup } = harness;

  async function setup(name: string, reuseResults = true) {
    const names = await freshNames(harness.connection, name);
    const reports = await ReportLog.open(harness.connection, names);
    cleanup.push(() => reports.stop());
    const search = countingSearch();
    for (const instance of ['one', 'two']) {
      await startWorker(
        {
          connection: harness.connection,
          names,
          service: 'web-worker',
          instance,
          tools: { 'web.search': search.tool },
          pools: { 'web.search': 2 },
          reuseResults,
        },
        cleanup,
      );
    }
    return { names, reports, search };
  }

  const ask = (n: number, query: string, workflowId: string) =>
    envelope(n, { workflowId, tool: 'web.search', input: { query, count: 10 } });

  async function itemsOf(names: Subjects, workflowId: string, n: number): Promise<unknown[]> {
    const items: unknown[] = [];
    const pipeline = new DataPipeline(harness.connection, names);
    for await (const item of pipeline.items({ workflowId, taskId: `phase/task-${n}`, attempt: 1 }))
      items.push(item);
    return items;
  }

  it('answers the same question from the first run on any worker, items streamed again', async () => {
    const { names, reports, search } = await setup('same');
    await dispatch(harness.connection, names, ask(1, 'Rust  async', 'wf-a'));
    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    // Other spelling, other workflow, a handful of times: whichever worker takes them.
    const again = [2, 3, 4, 5].map((n) => ask(n, ' RUST async ', 'wf-b'));
    await dispatch(harness.connection, names, ...again);
    for (const n of [2, 3, 4, 5]) {
      await expect
        .poll(() => reports.terminal(`phase/task-${n}`), { timeout: 10_000 })
        .toBeDefined();
    }
    expect(search.calls).toEqual(['Rust  async']);
    const first = reports.terminal('phase/task-1')!.outcome;
    expect(first).toMatchObject({ kind: 'succeeded' });
    for (const n of [2, 3, 4, 5]) {
      expect(reports.terminal(`phase/task-${n}`)!.outcome).toMatchObject({
        kind: 'succeeded',
        result: (first as { result: unknown }).result,
      });
    }
    expect(await itemsOf(names, 'wf-b', 3)).toEqual(await itemsOf(names, 'wf-a', 1));
  });

  it('runs a different question, and every question when reuse is off', async () => {
    const { names, reports, search } = await setup('different');
    await dispatch(harness.connection, names, ask(1, 'rust async', 'wf-a'));
    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    await dispatch(harness.connection, names, ask(2, 'rust sync', 'wf-a'));
    await expect.poll(() => reports.terminal('phase/task-2'), { timeout: 10_000 }).toBeDefined();
    expect(search.calls).toEqual(['rust async', 'rust sync']);

    const off = await setup('off', false);
    await dispatch(harness.connection, off.names, ask(1, 'rust async', 'wf-a'));
    await expect
      .poll(() => off.reports.terminal('phase/task-1'), { timeout: 10_000 })
      .toBeDefined();
    await dispatch(harness.connection, off.names, ask(2, 'rust async', 'wf-a'));
    await expect
      .poll(() => off.reports.terminal('phase/task-2'), { timeout: 10_000 })
      .toBeDefined();
    expect(off.search.calls).toEqual(['rust async', 'rust async']);
  });

  it.each([
    [
      'older than the tool allows',
      Date.now() - 11 * 60_000,
      { query: 'q', provider: 'old', results: [] },
    ],
    ['no longer fitting the tool’s output', Date.now(), { hits: ['from an older version'] }],
  ])('runs the question again when the kept result is %s', async (_, storedAt, result) => {
    const { names, reports, search } = await setup('stale');
    const input = TOOLS['web.search'].input.parse({ query: 'rust async', count: 10 });
    const kept = await ToolResultCache.open(harness.connection, { names });
    await kept.put('web.search', callDigest(TOOLS['web.search'].cache!, input), {
      storedAt,
      result,
      items: [],
    });
    await dispatch(harness.connection, names, ask(1, 'rust async', 'wf-a'));
    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    expect(search.calls).toEqual(['rust async']);
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'succeeded',
      result: { provider: 'searxng' },
    });
  });
});
