import type { WorkflowEvent } from '@fanout/contracts';

/** Events too frequent or too internal for a person watching. */
const QUIET = new Set(['TaskHeartbeat', 'WorkflowMetrics']);

/** Whether a person watching wants to see this event. */
export function worthShowing(event: WorkflowEvent): boolean {
  return !QUIET.has(event.type);
}

function detail(event: WorkflowEvent): string {
  switch (event.type) {
    case 'WorkflowAccepted':
      return `${event.definition.phases.length} phase(s), priority ${event.priority}`;
    case 'WorkflowRejected':
      return event.errors.map((error) => `${error.path}: ${error.message}`).join('; ');
    case 'PhaseStarted':
      return event.phaseId;
    case 'PhaseCompleted':
      return `${event.phaseId} ${event.status}${event.missing.length ? ` (missing ${event.missing.join(', ')})` : ''}`;
    case 'TasksExpanded':
      return `${event.taskId} into ${event.count}`;
    case 'TaskDispatched':
      return `${event.taskId} ${event.tool} (attempt ${event.attempt})`;
    case 'TaskStarted':
      return `${event.taskId} on ${event.worker}`;
    case 'TaskSucceeded':
      return `${event.taskId} in ${event.durationMs} ms`;
    case 'TaskAttemptFailed':
      return `${event.taskId} attempt ${event.attempt}: ${event.error.code} ${event.error.message}${
        event.retryAt === undefined ? ' (last attempt)' : `; retry at ${clock(event.retryAt)}`
      }`;
    case 'TaskFailed':
      return `${event.taskId}: ${event.error.code} ${event.error.message}`;
    case 'TaskCancelled':
    case 'TaskSkipped':
      return `${event.taskId}: ${event.reason}`;
    case 'WorkflowCancelRequested':
      return event.reason;
    case 'ChildStarted':
      return `${event.taskId} round ${event.round}: ${event.childWorkflowId}, ${event.definition.phases.length} phase(s)`;
    case 'ChildCompleted':
      return `${event.taskId}: ${event.outcome.childWorkflowId} ${event.outcome.status}, ${event.outcome.usage.toolCalls} tool call(s)`;
    case 'ChildRefused':
      return `${event.taskId}: ${event.reason}: ${event.message}`;
    case 'WorkflowCompleted':
      return `${event.status} in ${event.synthesis.durationMs} ms`;
    default:
      return '';
  }
}

/** A time of day in UTC to the millisecond, as every line starts with. */
function clock(at: number): string {
  return new Date(at).toISOString().slice(11, 23);
}

/** One event as one plain line: time, type, what it is about. For logs and pipes. */
export function eventLine(event: WorkflowEvent): string {
  return `${clock(event.at)} ${event.workflowId} ${event.type} ${detail(event)}`.trimEnd();
}
