import type { EventOf, WorkflowSynthesis } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { summaryText } from './summary';
import { foldSummary } from './summary-fold';

/** A forEach of `n` reads in phase `read` (every 7th failing) after one glob in `find`. */
function forEach(n: number): WorkflowSynthesis {
  const reads = Array.from({ length: n }, (_, i) => ({
    taskId: `read/each/${i}`,
    tool: 'code.read',
    status: i % 7 === 3 ? ('failed' as const) : ('succeeded' as const),
    attempts: 1,
    durationMs: i,
    ...(i % 7 === 3
      ? { error: { code: 'NOT_FOUND', message: `no file ${i}`, retryable: false } }
      : {}),
  }));
  const failed = reads.filter((task) => task.status === 'failed').length;
  return {
    status: 'failed',
    durationMs: 4_200,
    counts: { total: n + 1, succeeded: n + 1 - failed, failed, cancelled: 0, skipped: 0 },
    phases: [
      { phaseId: 'find', status: 'succeeded', missing: [] },
      { phaseId: 'read', status: 'failed', missing: [] },
    ],
    omittedTasks: 0,
    tasks: [
      { taskId: 'find/files', tool: 'code.glob', status: 'succeeded', attempts: 1, durationMs: 5 },
      ...reads,
    ],
  };
}

function completed(synthesis: WorkflowSynthesis): EventOf<'WorkflowCompleted'> {
  return {
    type: 'WorkflowCompleted',
    workflowId: 'wf-1',
    status: synthesis.status,
    synthesis,
  } as EventOf<'WorkflowCompleted'>;
}

describe('the end of a run, folded', () => {
  it('counts tasks per phase (in workflow order) and per tool by how they ended', () => {
    const fold = foldSummary(forEach(2_000));
    expect(fold.phases).toEqual([
      { name: 'find', total: 1, succeeded: 1, failed: 0, cancelled: 0, skipped: 0 },
      { name: 'read', total: 2_000, succeeded: 1_714, failed: 286, cancelled: 0, skipped: 0 },
    ]);
    expect(fold.tools.map((tool) => [tool.name, tool.total, tool.failed])).toEqual([
      ['code.glob', 1, 0],
      ['code.read', 2_000, 286],
    ]);
  });

  it('keeps every failure, in order, and the five slowest, longest first', () => {
    const fold = foldSummary(forEach(2_000));
    expect(fold.failures).toHaveLength(286);
    expect(fold.failures[0]).toMatchObject({ taskId: 'read/each/3', error: { code: 'NOT_FOUND' } });
    expect(fold.slowest.map((task) => task.taskId)).toEqual([
      'read/each/1999',
      'read/each/1998',
      'read/each/1997',
      'read/each/1996',
      'read/each/1995',
    ]);
  });

  it('counts a task of a phase the synthesis does not list, and says what was omitted', () => {
    const synthesis = { ...forEach(1), phases: [], omittedTasks: 12 };
    const fold = foldSummary(synthesis);
    expect(fold.phases.map((phase) => phase.name)).toEqual(['find', 'read']);
    expect(fold.omitted).toBe(12);
  });
});

describe('the summary printed on a terminal', () => {
  it('a 2,000-task forEach: counts, every failure and the slowest, not a row per task', () => {
    const text = summaryText(completed(forEach(2_000)));
    expect(text).toMatch(
      /^workflow wf-1 failed in 4\.2 s: 2001 task\(s\), 1715 succeeded, 286 failed/,
    );
    expect(text).toMatch(/\nread +2000 +1714 +286 +0 +0\n/);
    expect(text).toMatch(/\ncode\.read +2000 +1714 +286 +0 +0\n/);
    expect(text).toMatch(/failed \(286\):\n/);
    expect(text).toMatch(/\nread\/each\/3 +code\.read +failed +1 +3 +NOT_FOUND: no file 3\n/);
    expect(text).toMatch(/slowest:\n.*\nread\/each\/1999 +code\.read +succeeded/);
    expect(text).not.toMatch(/read\/each\/1000 /);
    expect(text.split('\n').length).toBeLessThan(286 + 40);
  });

  it('with verbose, every task in one table', () => {
    const text = summaryText(completed(forEach(2_000)), { verbose: true });
    expect(text).toMatch(/\nread\/each\/1000 +code\.read +succeeded +1 +1000\n/);
    expect(text).not.toMatch(/slowest:/);
  });
});
