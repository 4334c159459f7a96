import { ErrorCode, type FanoutError, type WorkflowEvent } from '@fanout/contracts';
import { validateDefinition } from '../definition/validate-workflow';
import type { EngineCommand } from './commands';
import { agentStep, childEnded, type AgentStep } from './agents';
import {
  attemptsThisRound,
  backoffDelay,
  DEFAULT_ENGINE_OPTIONS,
  retryPolicyOf,
  type EngineOptions,
} from './policies';
import { unschedulableTasks } from './schedulable';
import { isTerminal, type TaskState, type WorkflowState } from './state';

/**
 * Decides what a command means for a workflow: the events it causes directly. Pure: the
 * state is only read, and time comes in with the command. What those events lead to in
 * turn (a phase ends, the next starts, tasks are dispatched) is `react`'s part.
 */
export function decide(
  command: EngineCommand,
  state: WorkflowState,
  options: EngineOptions = DEFAULT_ENGINE_OPTIONS,
): WorkflowEvent[] {
  switch (command.type) {
    case 'Submit':
      return submit(command, state, options);
    case 'Report':
      return report(command, state);
    case 'Cancel':
      return state.status === 'running'
        ? [
            {
              type: 'WorkflowCancelRequested',
              workflowId: state.workflowId,
              at: command.now,
              reason: command.reason,
              endAs: 'cancelled',
            },
          ]
        : [];
    case 'Reject':
      return state.status === 'new'
        ? [
            {
              type: 'WorkflowRejected',
              workflowId: state.workflowId,
              at: command.now,
              errors: command.errors,
            },
          ]
        : [];
    case 'Tick':
      return tick(state, command.now, options);
    case 'Resume':
      return state.status === 'running' || state.status === 'cancelling'
        ? [
            {
              type: 'WorkflowResumed',
              workflowId: state.workflowId,
              at: command.now,
              owner: command.owner,
            },
          ]
        : [];
  }
}

function submit(
  command: Extract<EngineCommand, { type: 'Submit' }>,
  state: WorkflowState,
  options: EngineOptions,
): WorkflowEvent[] {
  if (state.status !== 'new') return []; // a repeated submit of the same id is a no-op
  const base = { workflowId: command.workflowId, at: command.now };
  const result = validateDefinition(command.definition);
  if (!result.ok) {
    return [
      {
        ...base,
        type: 'WorkflowRejected',
        errors: result.errors.map(({ path, message }) => ({ path, message })),
      },
    ];
  }
  const depth = command.parent?.depth ?? 0;
  if (depth > result.workflow.budget.maxDepth) {
    return [
      {
        ...base,
        type: 'WorkflowRejected',
        errors: [
          {
            path: 'budget.maxDepth',
            message: `a workflow at depth ${depth} exceeds maxDepth ${result.workflow.budget.maxDepth}`,
          },
        ],
      },
    ];
  }
  const unschedulable = unschedulableTasks(result.workflow, options.capacity ?? {});
  if (unschedulable.length > 0)
    return [{ ...base, type: 'WorkflowRejected', errors: unschedulable }];
  return [
    {
      ...base,
      type: 'WorkflowAccepted',
      definition: result.workflow,
      priority: command.priority,
      depth,
      ...(command.parent ? { parent: command.parent } : {}),
    },
  ];
}

function report(
  command: Extract<EngineCommand, { type: 'Report' }>,
  state: WorkflowState,
): WorkflowEvent[] {
  const task = state.tasks[command.taskId];
  if (!task || task.attempt !== command.attempt || isTerminal(task)) return [];
  const outcome = command.outcome;
  // The end of an agent task's child comes from the child's owner, while the task waits.
  if (outcome.kind === 'child-ended') return childEnded(state, task, outcome.outcome, command.now);
  // Reports for another attempt, or for a task no longer out with a worker, are stale: a
  // retry has replaced that attempt, or the result was recorded already. Ignore them.
  if (!state.active[task.id]) return [];
  const base = {
    workflowId: state.workflowId,
    at: command.now,
    taskId: task.id,
    attempt: task.attempt,
  };
  switch (outcome.kind) {
    case 'started':
      return task.status === 'dispatched'
        ? [{ ...base, type: 'TaskStarted', worker: command.worker }]
        : [];
    case 'heartbeat':
      return [{ ...base, type: 'TaskHeartbeat', worker: command.worker }];
    case 'succeeded':
      if (task.tool === 'agent.run') {
        return agentStep(state, task, outcome.result as AgentStep, outcome.durationMs, command.now);
      }
      return [
        {
          ...base,
          type: 'TaskSucceeded',
          result: outcome.result,
          ...(outcome.resultRef ? { resultRef: outcome.resultRef } : {}),
          durationMs: outcome.durationMs,
        },
      ];
    case 'failed':
      return attemptFailed(state, task, outcome.error, command.now);
  }
}

/** An attempt failed: retry after a backoff when the error allows it and attempts remain. */
export function attemptFailed(
  state: WorkflowState,
  task: TaskState,
  error: FanoutError,
  now: number,
): WorkflowEvent[] {
  const base = { workflowId: state.workflowId, at: now, taskId: task.id };
  if (error.code === ErrorCode.Preempted) {
    // Stopped for a higher-priority task: back on the queue at once, not counted.
    return [
      {
        ...base,
        type: 'TaskAttemptFailed',
        attempt: task.attempt,
        error,
        retryAt: now,
        preempted: true,
      },
    ];
  }
  const policy = retryPolicyOf(state, task);
  if (error.retryable && attemptsThisRound(task) < policy.attempts) {
    const retryAt = now + backoffDelay(policy, `${state.workflowId}/${task.id}`, task.attempt);
    return [{ ...base, type: 'TaskAttemptFailed', attempt: task.attempt, error, retryAt }];
  }
  return [
    { ...base, type: 'TaskAttemptFailed', attempt: task.attempt, error },
    { ...base, type: 'TaskFailed', attempts: task.attempt, error },
  ];
}

/** Time passed: attempts that ran out of time or went silent, barriers that closed, the budget. */
function tick(state: WorkflowState, now: number, options: EngineOptions): WorkflowEvent[] {
  if (state.status !== 'running') return [];
  if (state.deadline !== undefined && now >= state.deadline) {
    const reason = `the workflow ran out of time (budget.maxDurationMs ${state.definition?.budget.maxDurationMs} ms)`;
    return [
      {
        type: 'WorkflowCancelRequested',
        workflowId: state.workflowId,
        at: now,
        reason,
        endAs: 'failed',
      },
    ];
  }
  const events: WorkflowEvent[] = [];
  for (const id of Object.keys(state.active)) {
    const task = state.tasks[id]!;
    if (task.deadline !== undefined && now >= task.deadline) {
      events.push(
        ...attemptFailed(
          state,
          task,
          {
            code: ErrorCode.Timeout,
            message: `attempt ${task.attempt} of ${id} timed out`,
            retryable: true,
          },
          now,
        ),
      );
    } else if (
      task.status === 'running' &&
      now - lastSignOfLife(state, task) >= options.heartbeatTimeoutMs
    ) {
      const message = `no heartbeat from ${task.worker ?? 'the worker'} for ${now - lastSignOfLife(state, task)} ms on attempt ${task.attempt} of ${id}`;
      events.push(
        ...attemptFailed(
          state,
          task,
          { code: ErrorCode.HeartbeatTimeout, message, retryable: true },
          now,
        ),
      );
    }
  }
  const failedNow = new Set(
    events
      .filter((event) => event.type === 'TaskAttemptFailed')
      .map((event) => (event as { taskId: string }).taskId),
  );
  for (const phaseId of state.phaseOrder) {
    const phase = state.phases[phaseId]!;
    if (
      phase.status !== 'running' ||
      phase.barrierAt === undefined ||
      now < phase.barrierAt ||
      phase.open === 0
    )
      continue;
    const reason = `the barrier of phase ${phaseId} closed after ${phase.barrierTimeoutMs} ms`;
    for (const id of phase.tasks) {
      const task = state.tasks[id]!;
      if (isTerminal(task) || task.status === 'expanded' || failedNow.has(id)) continue;
      events.push(cancelEvent(state, task, reason, now));
    }
  }
  return events;
}

/** The last time the task's worker was heard from, or the takeover if that was later. */
export function lastSignOfLife(state: WorkflowState, task: TaskState): number {
  return Math.max(task.lastSeenAt ?? task.startedAt ?? 0, state.resumedAt ?? 0);
}

/** Cancels a task, naming its child workflow so the shell can cancel that too. */
export function cancelEvent(
  state: WorkflowState,
  task: TaskState,
  reason: string,
  now: number,
): WorkflowEvent {
  const child = task.status === 'waiting-child' ? task.childWorkflowId : undefined;
  return {
    type: 'TaskCancelled',
    workflowId: state.workflowId,
    at: now,
    taskId: task.id,
    reason,
    ...(child ? { childWorkflowId: child, cancelChild: task.cancelChild ?? true } : {}),
  };
}
