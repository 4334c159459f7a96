import {
  ErrorCode,
  type Broadcast,
  type Command,
  type EventOf,
  type TaskEnvelope,
  type WorkflowEvent,
} from '@fanout/contracts';
import { childOutcomeOf, type WorkflowState } from '@fanout/workflow';

/** Attempt failures the engine decided on itself: the attempt may still be out there. */
const GIVEN_UP: ReadonlySet<string> = new Set([ErrorCode.Timeout, ErrorCode.HeartbeatTimeout]);

/** What the outside world must be told after events are safely in the log. */
export interface Effects {
  envelopes: TaskEnvelope[];
  broadcasts: Broadcast[];
  commands: Command[];
}

/**
 * Reads the side effects out of a batch of events: attempts to put on task queues,
 * running tasks to abort, child workflows to cancel. Effects are at-least-once: they are
 * carried out after the append, and repeated after a takeover when in doubt.
 */
export function effectsOf(events: readonly WorkflowEvent[], state: WorkflowState): Effects {
  const envelopes: TaskEnvelope[] = [];
  const aborted: string[] = [];
  /** Tasks of which only one attempt was given up: a later attempt must still run. */
  const attempts: Record<string, number> = {};
  const commands: Command[] = [];
  for (const event of events) {
    if (event.type === 'TaskDispatched') {
      envelopes.push({
        workflowId: event.workflowId,
        taskId: event.taskId,
        attempt: event.attempt,
        tool: event.tool,
        ...(event.inputRef ? { inputRef: event.inputRef } : { input: event.input }),
        priority: event.priority,
        dispatchedAt: event.at,
        deadline: event.deadline,
        depth: state.depth,
        ...preemptionOf(state, event.taskId),
        ...weightOf(state),
      });
    } else if (event.type === 'ChildStarted') {
      commands.push(childSubmit(event, state));
    } else if (event.type === 'WorkflowCompleted' || event.type === 'WorkflowRejected') {
      const ended = childEndedReport(state, event.at);
      if (ended) commands.push(ended);
    } else if (event.type === 'TaskCancelled') {
      aborted.push(event.taskId);
      if (event.childWorkflowId && event.cancelChild !== false) {
        commands.push({
          type: 'workflow.cancel',
          commandId: `${event.workflowId}:cancel-child:${event.childWorkflowId}`,
          workflowId: event.childWorkflowId,
          reason: `its parent ${event.workflowId} cancelled ${event.taskId}: ${event.reason}`,
        });
      }
    } else if (event.type === 'TaskAttemptFailed' && GIVEN_UP.has(event.error.code)) {
      // The engine gave this attempt up: stop it if it still runs somewhere, and refuse it
      // when the task queue redelivers it after its worker died.
      aborted.push(event.taskId);
      attempts[event.taskId] = event.attempt;
    }
  }
  const broadcasts: Broadcast[] =
    aborted.length > 0
      ? [
          {
            kind: 'cancel',
            workflowId: state.workflowId,
            taskIds: aborted,
            ...(Object.keys(attempts).length > 0 ? { attempts } : {}),
          },
        ]
      : [];
  return { envelopes, broadcasts, commands };
}

/** A task's own say on preemption, when it has one, for its envelope. */
function preemptionOf(state: WorkflowState, taskId: string): { preemptible?: boolean } {
  const preemptible = state.tasks[taskId]?.definition.preemptible;
  return preemptible === undefined ? {} : { preemptible };
}

/** The workflow's fairness weight, when it sets one, for its envelopes and its children. */
function weightOf(state: WorkflowState): { weight?: number } {
  const weight = state.definition?.weight;
  return weight === undefined ? {} : { weight };
}

/** Envelopes for attempts that are on a queue but not yet taken: re-sent after a takeover. */
export function pendingEnvelopes(state: WorkflowState): TaskEnvelope[] {
  const envelopes: TaskEnvelope[] = [];
  for (const id of Object.keys(state.active)) {
    const task = state.tasks[id]!;
    if (
      task.status !== 'dispatched' ||
      task.dispatchedAt === undefined ||
      task.deadline === undefined
    )
      continue;
    envelopes.push({
      workflowId: state.workflowId,
      taskId: id,
      attempt: task.attempt,
      tool: task.tool,
      ...(task.dispatchedInputRef
        ? { inputRef: task.dispatchedInputRef }
        : { input: task.dispatchedInput }),
      priority: task.priority,
      dispatchedAt: task.dispatchedAt,
      deadline: task.deadline,
      depth: state.depth,
      ...preemptionOf(state, id),
      ...weightOf(state),
    });
  }
  return envelopes;
}

/** The submit of the child an agent task planned: the same id and command id every time. */
function childSubmit(event: EventOf<'ChildStarted'>, state: WorkflowState): Command {
  const task = state.tasks[event.taskId]!;
  return {
    type: 'workflow.submit',
    commandId: `${event.childWorkflowId}:submit`,
    workflowId: event.childWorkflowId,
    workflow: { ...weightOf(state), ...event.definition },
    priority: task.priority,
    parent: {
      workflowId: state.workflowId,
      taskId: event.taskId,
      attempt: event.attempt,
      round: event.round,
      depth: state.depth + 1,
    },
  };
}

/** A child that ended tells the agent task it belongs to, which plans its next round. */
export function childEndedReport(state: WorkflowState, now: number): Command | undefined {
  const outcome = childOutcomeOf(state, now);
  if (!state.parent || !outcome) return undefined;
  return {
    type: 'task.report',
    commandId: `${state.workflowId}:ended`,
    workflowId: state.parent.workflowId,
    taskId: state.parent.taskId,
    attempt: state.parent.attempt,
    worker: `orchestrator:${state.workflowId}`,
    at: now,
    outcome: { kind: 'child-ended', outcome },
  };
}
