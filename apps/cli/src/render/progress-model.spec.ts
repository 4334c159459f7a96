import type { LoadSnapshot, WorkflowEvent } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { ProgressModel } from './progress-model';

const at = 1_000;
const base = { workflowId: 'wf-1', at };

function snapshot(instance: string, pools: LoadSnapshot['pools']): LoadSnapshot {
  return {
    service: 'codebase-worker',
    instance,
    at,
    pools,
    cpuPercent: 1,
    rssBytes: 1,
    eventLoopDelayMs: { p50: 0, p99: 0 },
  };
}

describe('the progress model', () => {
  it('counts each phase’s ended and failed tasks, grows with a fan-out, and reports failures', () => {
    const model = new ProgressModel();
    const events = [
      {
        ...base,
        type: 'WorkflowAccepted',
        priority: 2,
        definition: { phases: [{ id: 'find', tasks: [{ id: 'a' }, { id: 'each' }] }] },
      },
      { ...base, type: 'PhaseStarted', phaseId: 'find' },
      { ...base, type: 'TasksExpanded', taskId: 'find/each', count: 3 },
      { ...base, type: 'TaskSucceeded', taskId: 'find/a', attempt: 1, durationMs: 1 },
      {
        ...base,
        type: 'TaskFailed',
        taskId: 'find/each/1',
        attempt: 2,
        error: { code: 'NOT_FOUND', message: 'no such file', retryable: false },
      },
    ] as unknown as WorkflowEvent[];
    const printed = events.map((event) => model.update(event)).filter(Boolean);
    expect(model.phases.get('find')).toMatchObject({
      status: 'running',
      total: 4,
      ended: 2,
      failed: 1,
      startedAt: at,
    });
    expect(printed).toEqual(['failed find/each/1: NOT_FOUND no such file']);
  });

  it('says "retrying" only after an attempt that has a retryAt; the last attempt leaves it to TaskFailed', () => {
    const model = new ProgressModel();
    const error = { code: 'TIMEOUT', message: 'no answer', retryable: true };
    const events = [
      {
        ...base,
        type: 'WorkflowAccepted',
        priority: 2,
        definition: { phases: [{ id: 'find', tasks: [{ id: 'a' }] }] },
      },
      {
        ...base,
        type: 'TaskAttemptFailed',
        taskId: 'find/a',
        attempt: 1,
        error,
        retryAt: at + 500,
      },
      { ...base, type: 'TaskAttemptFailed', taskId: 'find/a', attempt: 2, error },
      { ...base, type: 'TaskFailed', taskId: 'find/a', attempts: 2, error },
    ] as unknown as WorkflowEvent[];
    const printed = events.map((event) => model.update(event)).filter(Boolean);
    expect(printed).toEqual([
      'retrying find/a after attempt 1: TIMEOUT no answer',
      'failed find/a: TIMEOUT no answer',
    ]);
  });

  it('sums busy and total slots per pool over the latest snapshot of each live instance', () => {
    const model = new ProgressModel();
    model.observe(snapshot('one', [{ pool: 'code.grep', size: 24, busy: 20 }]));
    model.observe(snapshot('one', [{ pool: 'code.grep', size: 24, busy: 3 }]));
    model.observe(
      snapshot('two', [
        { pool: 'code.grep', size: 24, busy: 5 },
        { pool: 'code.read', size: 8, busy: 0 },
      ]),
    );
    model.observe({
      ...snapshot('gone', [{ pool: 'code.grep', size: 24, busy: 24 }]),
      at: at - 20_000,
    });
    expect(model.pools(at + 1_000)).toEqual([
      { pool: 'code.grep', busy: 8, size: 48 },
      { pool: 'code.read', busy: 0, size: 8 },
    ]);
  });

  it('keeps a line per child workflow of the tree: where it hangs, its tasks ended and running', () => {
    const model = new ProgressModel();
    const child = 'wf-1-spec-web-r1';
    const tree = (workflowId: string, depth: number, event: Record<string, unknown>) =>
      model.updateTree({ workflowId, depth, event: { workflowId, at, ...event } as WorkflowEvent });
    tree('wf-1', 0, {
      type: 'ChildStarted',
      taskId: 'spec/web',
      attempt: 1,
      round: 1,
      childWorkflowId: child,
      definition: { phases: [] },
      tokens: 0,
    });
    tree(child, 1, {
      type: 'WorkflowAccepted',
      priority: 2,
      depth: 1,
      definition: { phases: [{ id: 'exec', tasks: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }] },
    });
    for (const id of ['a', 'b', 'c']) {
      tree(child, 1, {
        type: 'TaskDispatched',
        taskId: `exec/${id}`,
        attempt: 1,
        tool: 'noop',
        input: {},
        priority: 2,
        deadline: at,
      });
    }
    tree(child, 1, {
      type: 'TaskSucceeded',
      taskId: 'exec/a',
      attempt: 1,
      result: {},
      durationMs: 1,
    });
    const failure = tree(child, 1, {
      type: 'TaskFailed',
      taskId: 'exec/b',
      attempts: 1,
      error: { code: 'X', message: 'broke', retryable: false },
    });
    expect(failure).toBe(`failed ${child} exec/b: X broke`);
    const view = model.children.get(child)!;
    expect(view).toMatchObject({
      label: 'spec/web',
      depth: 1,
      status: 'running',
      total: 3,
      ended: 2,
    });
    expect([...view.busy]).toEqual(['exec/c']);
    // The run's own phases are not touched by a child's events.
    expect(model.phases.size).toBe(0);
  });
});
