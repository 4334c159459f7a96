import { describe, expect, it } from 'vitest';
import { runTool, type ItemSink } from './run-tool';
import type { AnyTool } from './worker-options';

function context(signal: AbortSignal) {
  return { signal, workflowId: 'wf', taskId: 'p/t', attempt: 1 };
}

function collector(): ItemSink & { items: unknown[] } {
  const items: unknown[] = [];
  return { items, push: async (...more) => void items.push(...more) };
}

describe('runTool', () => {
  it('returns a plain tool’s result', async () => {
    const tool: AnyTool = async () => 42;
    const run = await runTool(tool, {}, context(new AbortController().signal), collector, 100);
    expect(run).toEqual({ status: 'returned', value: 42 });
  });

  it('gives up on a tool that ignores its abort after the grace, so its slot is not held forever', async () => {
    const tool: AnyTool = () => new Promise(() => undefined);
    const controller = new AbortController();
    const running = runTool(tool, {}, context(controller.signal), collector, 50);
    controller.abort(new Error('stop'));
    expect(await running).toEqual({ status: 'abandoned' });
  });

  it('stops a streaming tool on abort and lets its finally blocks run', async () => {
    const controller = new AbortController();
    let cleaned = false;
    const tool: AnyTool = async function* () {
      try {
        for (let i = 0; ; i++) {
          if (i === 3) controller.abort(new Error('enough'));
          yield i;
        }
      } finally {
        cleaned = true;
      }
    } as AnyTool;
    const sink = collector();
    const run = await runTool(tool, {}, context(controller.signal), () => sink, 1_000);
    expect(run).toMatchObject({ status: 'threw', error: new Error('enough') });
    expect(sink.items).toEqual([0, 1, 2, 3]);
    await expect.poll(() => cleaned).toBe(true);
  });

  it('opens the stream of a generator that yields nothing, so its readers still see an end', async () => {
    let opened = false;
    // eslint-disable-next-line require-yield -- a streaming tool that happens to find nothing
    const tool: AnyTool = async function* () {
      return 'none';
    } as AnyTool;
    const run = await runTool(
      tool,
      {},
      context(new AbortController().signal),
      () => {
        opened = true;
        return collector();
      },
      100,
    );
    expect(run).toEqual({ status: 'returned', value: 'none' });
    expect(opened).toBe(true);
  });
});
