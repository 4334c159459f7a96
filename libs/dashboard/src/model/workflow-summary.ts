import type { WorkflowEvent } from '@fanout/contracts';
import type { WorkflowStatus } from './workflow-view';

/** One row of the workflow list. */
export interface WorkflowSummary {
  id: string;
  name?: string;
  status: WorkflowStatus;
  /** Tasks ended (any way) and tasks known, forEach copies counted once expanded. */
  done: number;
  total: number;
  startedAt?: number;
  endedAt?: number;
  /** The workflow whose agent started this one. */
  parentId?: string;
}

const ENDS_A_TASK = new Set(['TaskSucceeded', 'TaskFailed', 'TaskCancelled', 'TaskSkipped']);

/**
 * Folds one event of any workflow into the list's rows (in place), and returns the row it
 * changed, or undefined when the event changes nothing a row shows (heartbeats).
 */
export function summarise(
  rows: Map<string, WorkflowSummary>,
  event: WorkflowEvent,
): WorkflowSummary | undefined {
  let row = rows.get(event.workflowId);
  if (!row) {
    row = { id: event.workflowId, status: 'running', done: 0, total: 0 };
    rows.set(row.id, row);
  }
  switch (event.type) {
    case 'WorkflowAccepted':
      row.name = event.definition.name;
      row.startedAt = event.at;
      row.total = event.definition.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
      if (event.parent) row.parentId = event.parent.workflowId;
      return row;
    case 'TasksExpanded':
      row.total += event.count - 1;
      return row;
    case 'WorkflowRejected':
      Object.assign(row, { status: 'rejected', endedAt: event.at });
      return row;
    case 'WorkflowCancelRequested':
      if (row.endedAt === undefined) row.status = 'cancelling';
      return row;
    case 'WorkflowCompleted':
      Object.assign(row, { status: event.status, endedAt: event.at });
      return row;
    default:
      if (!ENDS_A_TASK.has(event.type)) return undefined;
      row.done += 1;
      return row;
  }
}
