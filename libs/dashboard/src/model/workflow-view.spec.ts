import type { WorkflowEvent } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { applyEvent, emptyView, type WorkflowView } from './workflow-view';

const at = 1_000;
const accepted = {
  type: 'WorkflowAccepted',
  workflowId: 'wf',
  at,
  priority: 2,
  depth: 0,
  definition: {
    name: 'two-phases',
    budget: {},
    defaults: {},
    phases: [
      { id: 'a', dependsOn: [], barrier: {}, tasks: [{ id: 'x', tool: 'noop', input: {} }] },
      {
        id: 'b',
        dependsOn: ['a'],
        barrier: {},
        tasks: [{ id: 'each', tool: 'noop', input: {}, forEach: '${{ a.x.list }}' }],
      },
    ],
  },
} as unknown as WorkflowEvent;

const fold = (events: object[]) =>
  events.reduce<WorkflowView>(
    (view, event) => applyEvent(view, { workflowId: 'wf', at, ...event } as WorkflowEvent),
    applyEvent(emptyView('wf'), accepted),
  );

describe('the fold from a workflow’s events to its page', () => {
  it('lays out phases and tasks from the definition, every task pending', () => {
    const view = fold([]);
    expect(view.name).toBe('two-phases');
    expect(view.phases.map((p) => [p.id, p.dependsOn, p.taskIds])).toEqual([
      ['a', [], ['a/x']],
      ['b', ['a'], ['b/each']],
    ]);
    expect(view.tasks['a/x']).toMatchObject({ status: 'pending', tool: 'noop', attempts: [] });
  });

  it('follows an attempt from its queue to its end, and a retry as an attempt of its own', () => {
    const error = { code: 'BOOM', message: 'it broke', retryable: true };
    const view = fold([
      { type: 'TaskDispatched', taskId: 'a/x', attempt: 1, tool: 'noop', input: { n: 1 } },
      { type: 'TaskStarted', taskId: 'a/x', attempt: 1, worker: 'w1', at: 1_010 },
      { type: 'TaskAttemptFailed', taskId: 'a/x', attempt: 1, error, retryAt: 1_100, at: 1_050 },
    ]);
    expect(view.tasks['a/x']?.status).toBe('retrying');
    const done = fold([
      { type: 'TaskDispatched', taskId: 'a/x', attempt: 1, tool: 'noop' },
      { type: 'TaskAttemptFailed', taskId: 'a/x', attempt: 1, error, retryAt: 1_100 },
      { type: 'TaskDispatched', taskId: 'a/x', attempt: 2, tool: 'noop', at: 1_100 },
      { type: 'TaskStarted', taskId: 'a/x', attempt: 2, worker: 'w2', at: 1_120 },
      { type: 'TaskSucceeded', taskId: 'a/x', attempt: 2, durationMs: 30, at: 1_150 },
    ]);
    const task = done.tasks['a/x']!;
    expect(task.status).toBe('succeeded');
    expect(task.hasResult).toBe(true);
    expect(task.attempts).toEqual([
      { attempt: 1, dispatchedAt: at, endedAt: at, outcome: 'failed', error },
      {
        attempt: 2,
        dispatchedAt: 1_100,
        startedAt: 1_120,
        worker: 'w2',
        endedAt: 1_150,
        outcome: 'succeeded',
      },
    ]);
  });

  it('puts a forEach task’s copies in its place', () => {
    const view = fold([{ type: 'TasksExpanded', taskId: 'b/each', count: 3 }]);
    expect(view.phases[1]?.taskIds).toEqual(['b/each/0', 'b/each/1', 'b/each/2']);
    expect(view.tasks['b/each']).toBeUndefined();
    expect(view.tasks['b/each/2']).toMatchObject({ status: 'pending', phaseId: 'b' });
  });

  it('keeps a failure’s error, the child workflows of an agent, and how it all ended', () => {
    const error = { code: 'NOPE', message: 'no', retryable: false };
    const view = fold([
      { type: 'ChildStarted', taskId: 'a/x', attempt: 1, round: 1, childWorkflowId: 'wf-c1' },
      { type: 'TaskFailed', taskId: 'a/x', attempts: 1, error },
      { type: 'TaskSkipped', taskId: 'b/each', reason: 'a failed' },
      { type: 'WorkflowCancelRequested', reason: 'enough', endAs: 'cancelled' },
    ]);
    expect(view.tasks['a/x']).toMatchObject({ status: 'failed', error, children: ['wf-c1'] });
    expect(view.tasks['b/each']).toMatchObject({ status: 'skipped', reason: 'a failed' });
    expect(view.status).toBe('cancelling');
    const ended = applyEvent(view, {
      type: 'WorkflowCompleted',
      workflowId: 'wf',
      at: 2_000,
      status: 'cancelled',
    } as unknown as WorkflowEvent);
    expect(ended).toMatchObject({ status: 'cancelled', endedAt: 2_000 });
  });

  it('ignores events about tasks it does not know rather than failing', () => {
    const view = fold([{ type: 'TaskStarted', taskId: 'zz/top', attempt: 1, worker: 'w' }]);
    expect(view.tasks['zz/top']).toBeUndefined();
  });
});
