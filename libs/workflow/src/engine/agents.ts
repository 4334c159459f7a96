import {
  ErrorCode,
  type ChildOutcome,
  type FanoutError,
  type WorkflowEvent,
} from '@fanout/contracts';
import { validateDefinition } from '../definition/validate-workflow';
import { fnv1a } from './hash';
import { resultOf } from './results';
import { isTerminal, type TaskState, type WorkflowState } from './state';

/** The deepest a workflow may nest: the root is 0, its children 1, their children 2, then 3. */
export const MAX_DEPTH = 3;

/**
 * What this workflow can give a child right now: tasks not spent nor escrowed for other
 * children, the time until its deadline, its free concurrency (the asking agent task's own
 * slot included, since it gives that up while it waits) and the depth left.
 */
export function availableToChild(state: WorkflowState, task: TaskState, now: number) {
  const budget = state.definition!.budget;
  const ownSlot = state.active[task.id] ? 1 : 0;
  return {
    tasks: Math.max(0, budget.maxTasks - state.taskCount - state.reservedTasks),
    durationMs: Math.max(0, (state.deadline ?? now) - now),
    concurrency: Math.max(
      0,
      budget.maxConcurrency - state.activeCount - state.reservedConcurrency + ownSlot,
    ),
    maxDepth: Math.min(MAX_DEPTH, budget.maxDepth),
  };
}

/**
 * What a child gets of a field its agent did not ask for: an equal share of what is left
 * among the agent tasks of this workflow still to start a child (this one included), so
 * the first child does not take everything from its siblings.
 */
function fairShare(state: WorkflowState, available: ReturnType<typeof availableToChild>) {
  let waitingToSpawn = 0;
  for (const other of Object.values(state.tasks)) {
    if (other.tool === 'agent.run' && !isTerminal(other) && other.status !== 'waiting-child')
      waitingToSpawn += 1;
  }
  const among = Math.max(1, waitingToSpawn);
  return {
    tasks: Math.floor(available.tasks / among),
    concurrency: Math.max(1, Math.floor(available.concurrency / among)),
  };
}

/**
 * The budget an agent task may give its next child: what it asked for (in the plan, else
 * in its input), cut to what this workflow has left; a field not asked for is a fair share.
 */
export function carveBudget(
  state: WorkflowState,
  task: TaskState,
  asked: Record<string, unknown>,
  now: number,
) {
  const available = availableToChild(state, task, now);
  const share = fairShare(state, available);
  const given = (task.definition.input['budget'] ?? {}) as Record<string, unknown>;
  const want = (field: string, otherwise: number) => {
    const value = typeof asked[field] === 'number' ? asked[field] : given[field];
    return typeof value === 'number' ? value : otherwise;
  };
  // What the agent task was given is for all its rounds: a later round gets what the
  // earlier ones left of it, never more than the parent has left. A plan that names its
  // own number is taken at its word (and refused if that does not fit).
  const usedTasks = (task.rounds ?? []).reduce((sum, round) => sum + round.usage.tasks, 0);
  const givenTasks =
    typeof given['maxTasks'] === 'number' ? given['maxTasks'] - usedTasks : undefined;
  const maxTasks =
    typeof asked['maxTasks'] === 'number'
      ? asked['maxTasks']
      : Math.min(givenTasks ?? share.tasks, available.tasks);
  return {
    available,
    budget: {
      maxTasks,
      maxDurationMs: Math.min(want('maxDurationMs', available.durationMs), available.durationMs),
      maxConcurrency: Math.max(
        1,
        Math.min(want('maxConcurrency', share.concurrency), available.concurrency),
      ),
      maxDepth: Math.min(want('maxDepth', available.maxDepth), available.maxDepth),
    },
  };
}

/**
 * The id of the child an agent task starts in a round: readable while it fits a workflow
 * id, a digest of it when the tree is too deep for that. The same task and round always
 * give the same id, so a child is never started twice.
 */
export function childWorkflowId(parentId: string, taskId: string, round: number): string {
  const readable = `${parentId}-${taskId.replaceAll('/', '-')}-r${round}`;
  if (readable.length <= 100) return readable;
  return `${parentId.slice(0, 80)}-${fnv1a(readable).toString(16).padStart(8, '0')}`;
}

/** A step an agent.run attempt returned: a plan for its next child, or its answer. */
export type AgentStep =
  | { plan: Record<string, unknown>; last?: boolean; tokens?: number }
  | { answer: unknown; tokens?: number };

/**
 * An agent.run attempt succeeded with a step. An answer ends the task, with what every
 * round did; a plan starts a child workflow — if it may nest that deep, fits what is left
 * of the budget and is a valid workflow — else the child is refused and the task fails.
 */
export function agentStep(
  state: WorkflowState,
  task: TaskState,
  step: AgentStep,
  durationMs: number,
  now: number,
): WorkflowEvent[] {
  const base = { workflowId: state.workflowId, at: now, taskId: task.id };
  if ('answer' in step) {
    return [
      {
        ...base,
        type: 'TaskSucceeded',
        attempt: task.attempt,
        result: {
          answer: step.answer,
          rounds: (task.rounds ?? []).map(roundByReference),
          usage: agentUsage(task, step),
        },
        durationMs,
      },
    ];
  }
  const refuse = (reason: 'depth' | 'budget' | 'plan', message: string): WorkflowEvent[] => {
    const error: FanoutError = {
      code: ErrorCode.ChildRefused,
      message: `${task.id} may not start its child: ${message}`,
      retryable: false,
      details: { reason },
    };
    return [
      { ...base, type: 'ChildRefused', attempt: task.attempt, reason, message },
      { ...base, type: 'TaskAttemptFailed', attempt: task.attempt, error },
      { ...base, type: 'TaskFailed', attempts: task.attempt, error },
    ];
  };
  const depth = state.depth + 1;
  const asked = (step.plan['budget'] ?? {}) as Record<string, unknown>;
  const { available, budget } = carveBudget(state, task, asked, now);
  if (depth > available.maxDepth) {
    return refuse(
      'depth',
      `a child would be at depth ${depth}, over the limit of ${available.maxDepth}`,
    );
  }
  if (budget.maxTasks > available.tasks) {
    return refuse('budget', `it asks for ${budget.maxTasks} tasks and ${available.tasks} are left`);
  }
  if (budget.maxDurationMs < 1) return refuse('budget', 'no time is left');
  if (budget.maxTasks < 1) return refuse('budget', 'no task is left for it');
  const checked = validateDefinition({ ...step.plan, budget: { ...asked, ...budget } });
  if (!checked.ok) {
    const problems = checked.errors.map(({ path, message }) => `${path}: ${message}`);
    return refuse('plan', `its plan is not a valid workflow (${problems.join('; ')})`);
  }
  const round = (task.round ?? 0) + 1;
  return [
    {
      ...base,
      type: 'ChildStarted',
      attempt: task.attempt,
      round,
      childWorkflowId: childWorkflowId(state.workflowId, task.id, round),
      definition: checked.workflow,
      last: step.last ?? false,
      tokens: step.tokens ?? 0,
    },
  ];
}

/**
 * The child of a waiting agent task ended. It succeeded (or degraded): the task plans its
 * next round. It failed or was cancelled: the task fails with the child's failure below it.
 */
export function childEnded(
  state: WorkflowState,
  task: TaskState,
  outcome: ChildOutcome,
  now: number,
): WorkflowEvent[] {
  if (
    task.status !== 'waiting-child' ||
    task.childWorkflowId !== outcome.childWorkflowId ||
    isTerminal(task)
  ) {
    return [];
  }
  const base = { workflowId: state.workflowId, at: now, taskId: task.id };
  const events: WorkflowEvent[] = [{ ...base, type: 'ChildCompleted', outcome }];
  if (outcome.status === 'succeeded' || outcome.status === 'degraded') {
    if (!task.lastRound) return events;
    // The planner said this was its last round: the child's result is the answer.
    const rounds = [...(task.rounds ?? []), outcome];
    const result = {
      answer: outcome.result ?? {},
      // Rounds stored apart stay apart: the result goes up the tree to every ancestor.
      rounds: rounds.map(roundByReference),
      usage: agentUsage({ ...task, rounds }, {}),
    };
    return [
      ...events,
      { ...base, type: 'TaskSucceeded', attempt: task.attempt, result, durationMs: 0 },
    ];
  }
  const cause = outcome.error ?? outcome.synthesis.tasks.find((child) => child.error)?.error;
  const error: FanoutError = {
    code: ErrorCode.ChildFailed,
    message: `the child workflow ${outcome.childWorkflowId} of ${task.id} ${outcome.status}`,
    retryable: false,
    ...(cause ? { cause } : {}),
  };
  return [
    ...events,
    { ...base, type: 'TaskAttemptFailed', attempt: task.attempt, error },
    { ...base, type: 'TaskFailed', attempts: task.attempt, error },
  ];
}

/** What an agent task and its children used. */
function agentUsage(task: TaskState, step: { tokens?: number }) {
  const rounds = task.rounds ?? [];
  return {
    tasks: rounds.reduce((sum, round) => sum + round.usage.tasks, 0),
    toolCalls: rounds.reduce((sum, round) => sum + round.usage.toolCalls, 0),
    durationMs: rounds.reduce((sum, round) => sum + round.usage.durationMs, 0),
    tokens:
      rounds.reduce((sum, round) => sum + round.usage.tokens, 0) +
      (task.tokens ?? 0) +
      (step.tokens ?? 0),
  };
}

/**
 * How a child workflow ended, for the agent task it belongs to: its synthesis, the results
 * of its final tasks (those nothing else depended on) by "<phase>.<task>", and what its
 * subtree used. Built by the child's owner once it ended (or was rejected).
 */
export function childOutcomeOf(state: WorkflowState, now: number): ChildOutcome | undefined {
  if (!state.parent) return undefined;
  const base = { round: state.parent.round, childWorkflowId: state.workflowId };
  if (!state.synthesis) {
    // Rejected before it ran: nothing to sum up but why.
    const status = 'failed' as const;
    return {
      ...base,
      status,
      synthesis: {
        status,
        durationMs: 0,
        counts: { total: 0, succeeded: 0, failed: 0, cancelled: 0, skipped: 0 },
        phases: [],
        omittedTasks: 0,
        tasks: [],
      },
      usage: { tasks: 0, toolCalls: 0, durationMs: 0, tokens: 0 },
      error: {
        code: ErrorCode.InvalidInput,
        message: `the child workflow ${state.workflowId} was rejected: ${state.rejection ?? 'invalid'}`,
        retryable: false,
      },
    };
  }
  const result: Record<string, unknown> = {};
  for (const id of state.taskOrder) {
    const task = state.tasks[id]!;
    if (task.template || (state.dependents[id]?.length ?? 0) > 0) continue;
    const value = resultOf(state, id);
    if (value.found) result[`${task.phaseId}.${task.name}`] = value.value;
  }
  const usage = state.synthesis.usage ?? {
    tasks: state.synthesis.counts.total,
    toolCalls: state.toolCalls,
    durationMs: now - (state.acceptedAt ?? now),
    tokens: 0,
  };
  return { ...base, status: state.synthesis.status, synthesis: state.synthesis, result, usage };
}

/**
 * A round as it is sent and snapshotted: results stored apart (`resultRef`) go by their
 * reference alone, so a large round is not copied into every later attempt and snapshot.
 */
export function roundByReference(round: ChildOutcome): ChildOutcome {
  if (!round.resultRef || round.result === undefined) return round;
  const { result: _stored, ...byReference } = round;
  return byReference;
}
