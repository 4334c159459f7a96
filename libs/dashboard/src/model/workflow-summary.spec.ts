import type { WorkflowEvent } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { summarise, type WorkflowSummary } from './workflow-summary';

const event = (e: object) => ({ workflowId: 'wf', at: 5, ...e }) as WorkflowEvent;

describe('the workflow list’s rows', () => {
  it('counts tasks known and ended, forEach copies included, to the workflow’s end', () => {
    const rows = new Map<string, WorkflowSummary>();
    summarise(
      rows,
      event({
        type: 'WorkflowAccepted',
        priority: 2,
        depth: 1,
        parent: { workflowId: 'wf-top', taskId: 'p/agent', attempt: 1, round: 1, depth: 1 },
        definition: { name: 'n', phases: [{ id: 'p', tasks: [{ id: 'a' }, { id: 'b' }] }] },
      }),
    );
    summarise(rows, event({ type: 'TasksExpanded', taskId: 'p/b', count: 4 }));
    summarise(rows, event({ type: 'TaskSucceeded', taskId: 'p/a', attempt: 1, durationMs: 1 }));
    expect(summarise(rows, event({ type: 'TaskHeartbeat', taskId: 'p/b/0' }))).toBeUndefined();
    summarise(rows, event({ type: 'WorkflowCompleted', status: 'degraded', at: 9 }));
    expect(rows.get('wf')).toEqual({
      id: 'wf',
      name: 'n',
      status: 'degraded',
      done: 1,
      total: 5,
      startedAt: 5,
      endedAt: 9,
      parentId: 'wf-top',
    });
  });

  it('marks a rejected workflow, and a cancel asked of one still running', () => {
    const rows = new Map<string, WorkflowSummary>();
    summarise(rows, event({ type: 'WorkflowCancelRequested', reason: 'r' }));
    expect(rows.get('wf')?.status).toBe('cancelling');
    summarise(rows, event({ workflowId: 'wf-bad', type: 'WorkflowRejected', errors: [] }));
    expect(rows.get('wf-bad')?.status).toBe('rejected');
  });
});
