import { describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import {
  dispatch,
  envelope,
  freshNames,
  natsHarness,
  ReportLog,
  startWorker,
} from './testing/fixtures';
import type { AnyTool } from './worker-options';

describe('Worker.drain', () => {
  const harness = natsHarness();
  const { cleanup } = harness;

  const quick: AnyTool = () => Promise.resolve({ sleptMs: 0 });

  async function setup(name: string) {
    const names = await freshNames(harness.connection, name);
    const reports = await ReportLog.open(harness.connection, names);
    cleanup.push(() => reports.stop());
    const start = (instance: string, tool: AnyTool, slots: number) =>
      startWorker(
        {
          connection: harness.connection,
          names,
          service: 'test-worker',
          instance,
          tools: { noop: tool },
          pools: { noop: slots },
        },
        cleanup,
      );
    return { names, reports, start };
  }

  it('lets in-flight tasks finish and sends the queued ones to another worker, losing none', async () => {
    const { names, reports, start } = await setup('graceful');
    const leaving = await start('leaving', noopTool, 2);
    const tasks = Array.from({ length: 6 }, (_, n) => envelope(n, { input: { sleepMs: 800 } }));
    await dispatch(harness.connection, names, ...tasks);
    await expect.poll(() => leaving.load()[0]!.busy, { timeout: 10_000 }).toBe(2);

    const drained = leaving.drain(10_000);
    await start('staying', quick, 4);

    expect(await drained).toEqual({ acked: 2, returned: 0, terminated: 0 });
    await expect
      .poll(() => tasks.filter((t) => reports.terminal(t.taskId)).length, { timeout: 15_000 })
      .toBe(6);
    const by = (worker: string) =>
      tasks.filter((t) => reports.terminal(t.taskId)!.worker === worker).length;
    expect(by('leaving')).toBe(2);
    expect(by('staying')).toBe(4);
    for (const task of tasks) {
      expect(reports.kinds(task.taskId).filter((kind) => kind === 'succeeded')).toHaveLength(1);
    }
  });

  it('past its grace, aborts the tasks still running and gives them back for another worker to finish', async () => {
    const { names, reports, start } = await setup('pastgrace');
    const leaving = await start('leaving', noopTool, 2);
    const tasks = [0, 1].map((n) => envelope(n, { input: { sleepMs: 60_000 } }));
    await dispatch(harness.connection, names, ...tasks);
    await expect.poll(() => leaving.load()[0]!.busy, { timeout: 10_000 }).toBe(2);

    expect(await leaving.drain(300)).toEqual({ acked: 0, returned: 2, terminated: 0 });
    await start('staying', quick, 2);

    for (const task of tasks) {
      await expect
        .poll(() => reports.terminal(task.taskId)?.worker, { timeout: 15_000 })
        .toBe('staying');
      expect(reports.kinds(task.taskId)).not.toContain('failed');
    }
  });
});
