import {
  taskId as formTaskId,
  type ChildOutcome,
  type EventOf,
  type WorkflowEvent,
} from '@fanout/contracts';
import { dependenciesOf } from '../definition/task-graph';
import { priorityOf } from './policies';
import { forEachItems } from './results';
import {
  isTerminal,
  setActive,
  setRetrying,
  type PhaseState,
  type TaskState,
  type WorkflowState,
} from './state';

/**
 * Folds one event into the state. Replaying a workflow's log through `evolve` rebuilds
 * exactly the state its owner had, so any process can take over by replay.
 *
 * For speed on large workflows the state is updated in place and returned: whoever holds
 * a state owns it, and clones it (`structuredClone`) before folding if it needs the old one.
 */
export function evolve(state: WorkflowState, event: WorkflowEvent): WorkflowState {
  state.version += 1;
  switch (event.type) {
    case 'WorkflowAccepted':
      accept(state, event);
      break;
    case 'WorkflowRejected':
      state.workflowId = event.workflowId;
      state.status = 'failed';
      state.completedAt = event.at;
      state.rejection = event.errors.map(({ path, message }) => `${path}: ${message}`).join('; ');
      break;
    case 'PhaseStarted':
      startPhase(state, state.phases[event.phaseId]!, event.at);
      break;
    case 'TasksExpanded':
      expand(state, state.tasks[event.taskId]!, event.count, event.at, event.order);
      break;
    case 'TaskDispatched': {
      const task = state.tasks[event.taskId]!;
      task.status = 'dispatched';
      task.attempt = event.attempt;
      task.dispatchedAt = event.at;
      task.dispatchedInput = event.input;
      task.dispatchedInputRef = event.inputRef;
      task.firstDispatchedAt ??= event.at;
      task.deadline = event.deadline;
      task.startedAt = undefined;
      task.lastSeenAt = undefined;
      task.retryAt = undefined;
      setActive(state, task.id, true);
      setRetrying(state, task.id, false);
      if (task.tool !== 'agent.run') state.toolCalls += 1;
      trimReadyQueues(state);
      break;
    }
    case 'TaskStarted': {
      const task = state.tasks[event.taskId]!;
      task.status = 'running';
      task.startedAt = event.at;
      task.lastSeenAt = event.at;
      task.worker = event.worker;
      break;
    }
    case 'TaskHeartbeat':
      state.tasks[event.taskId]!.lastSeenAt = event.at;
      break;
    case 'ChildStarted':
      startChild(state, state.tasks[event.taskId]!, event);
      break;
    case 'ChildCompleted':
      endChild(state, state.tasks[event.taskId]!, event.outcome);
      break;
    case 'ChildRefused':
      break;
    case 'TaskSucceeded': {
      const task = state.tasks[event.taskId]!;
      task.result = event.result;
      task.resultRef = event.resultRef;
      task.durationMs = event.durationMs;
      finish(state, task, 'succeeded', event.at);
      break;
    }
    case 'TaskAttemptFailed': {
      const task = state.tasks[event.taskId]!;
      task.error = event.error;
      setActive(state, task.id, false);
      if (event.retryAt !== undefined) {
        task.status = 'retrying';
        task.retryAt = event.retryAt;
        setRetrying(state, task.id, true);
      }
      // A preempted attempt is not a try: the next one counts as if it had not happened.
      if (event.preempted) task.attemptsBefore = (task.attemptsBefore ?? 0) + 1;
      break;
    }
    case 'TaskFailed': {
      const task = state.tasks[event.taskId]!;
      task.error = event.error;
      finish(state, task, 'failed', event.at);
      break;
    }
    case 'TaskCancelled': {
      const task = state.tasks[event.taskId]!;
      task.reason = event.reason;
      finish(state, task, 'cancelled', event.at);
      break;
    }
    case 'TaskSkipped': {
      const task = state.tasks[event.taskId]!;
      task.reason = event.reason;
      finish(state, task, 'skipped', event.at);
      break;
    }
    case 'WorkflowCancelRequested':
      state.status = 'cancelling';
      state.cancelReason = event.reason;
      state.endAs = event.endAs;
      for (const phase of Object.values(state.phases)) {
        if (phase.status === 'running' && phase.policy === 'fail' && phase.unsuccessful > 0)
          phase.failing = true;
      }
      break;
    case 'PhaseCompleted': {
      const phase = state.phases[event.phaseId]!;
      phase.status = event.status;
      phase.missing = event.missing;
      break;
    }
    case 'WorkflowCompleted':
      state.status = event.status;
      state.synthesis = event.synthesis;
      state.completedAt = event.at;
      break;
    case 'WorkflowResumed':
      state.resumedAt = event.at;
      break;
    case 'WorkflowMetrics':
      break;
  }
  return state;
}

function accept(state: WorkflowState, event: EventOf<'WorkflowAccepted'>): void {
  const definition = event.definition;
  Object.assign(state, {
    workflowId: event.workflowId,
    status: 'running',
    definition,
    priority: event.priority,
    depth: event.depth,
    parent: event.parent,
    acceptedAt: event.at,
    deadline: event.at + definition.budget.maxDurationMs,
  });
  for (const phase of definition.phases) {
    state.phaseOrder.push(phase.id);
    state.phases[phase.id] = {
      id: phase.id,
      status: 'pending',
      policy: phase.barrier.policy,
      barrierTimeoutMs: phase.barrier.timeoutMs,
      dependsOn: phase.dependsOn,
      tasks: [],
      open: phase.tasks.length,
      unsuccessful: 0,
      failed: 0,
      missing: [],
    };
    for (const definitionOfTask of phase.tasks) {
      const id = formTaskId(phase.id, definitionOfTask.id);
      const deps = dependenciesOf(phase.id, definitionOfTask).map((dep) =>
        formTaskId(dep.phase, dep.task),
      );
      addTask(state, {
        id,
        phaseId: phase.id,
        name: definitionOfTask.id,
        tool: definitionOfTask.tool,
        definition: definitionOfTask,
        isTemplate: definitionOfTask.forEach !== undefined,
        status: 'waiting',
        priority: priorityOf(state, definitionOfTask),
        attempt: 0,
        deps,
        unmet: deps.length,
      });
      for (const dep of deps) (state.dependents[dep] ??= []).push(id);
    }
  }
}

function addTask(state: WorkflowState, task: TaskState): void {
  state.tasks[task.id] = task;
  state.taskOrder.push(task.id);
  state.phases[task.phaseId]!.tasks.push(task.id);
  state.taskCount += 1;
}

/** A phase starts: each task whose dependencies all succeeded becomes ready. */
function startPhase(state: WorkflowState, phase: PhaseState, at: number): void {
  phase.status = 'running';
  phase.startedAt = at;
  if (phase.barrierTimeoutMs !== undefined) phase.barrierAt = at + phase.barrierTimeoutMs;
  for (const id of phase.tasks) {
    const task = state.tasks[id]!;
    let unmet = 0;
    for (const depId of task.deps) {
      const dep = state.tasks[depId]!;
      if (dep.status === 'succeeded') continue;
      if (isTerminal(dep)) state.doomed[id] ??= `needs ${depId}, which ${dep.status}`;
      else unmet += 1;
    }
    task.unmet = unmet;
    if (unmet === 0 && state.doomed[id] === undefined) makeReady(state, task);
  }
}

function makeReady(state: WorkflowState, task: TaskState): void {
  task.status = 'ready';
  if (task.isTemplate) state.toExpand[task.id] = true;
  else state.readyQueues[task.priority]!.push(task.id);
}

/**
 * A template fans out into `count` copies, each ready at once: its dependencies are met.
 * They join the ready queue in `order` when the event gives one that names each copy once
 * (spread over keys), else in list order.
 */
function expand(
  state: WorkflowState,
  template: TaskState,
  count: number,
  at: number,
  order?: readonly number[],
): void {
  delete state.toExpand[template.id];
  const spread = order && isPermutation(order, count) ? order : undefined;
  template.status = 'expanded';
  template.openChildren = count;
  template.children = [];
  const items = count > 0 ? forEachItems(state, template) : { ok: true as const, items: [] };
  const phase = state.phases[template.phaseId]!;
  phase.open += count;
  for (let index = 0; index < count; index += 1) {
    const id = formTaskId(template.phaseId, template.name, index);
    template.children.push(id);
    const child: TaskState = {
      id,
      phaseId: template.phaseId,
      name: template.name,
      tool: template.tool,
      definition: template.definition,
      isTemplate: false,
      template: template.id,
      index,
      item: items.ok ? items.items[index] : undefined,
      status: 'waiting',
      priority: template.priority,
      attempt: 0,
      deps: [],
      unmet: 0,
    };
    addTask(state, child);
    if (!spread) makeReady(state, child);
  }
  for (const index of spread ?? []) makeReady(state, state.tasks[template.children[index]!]!);
  if (count === 0) finish(state, template, 'succeeded', at);
}

/** Whether `order` names each of 0 … count-1 once: anything else is ignored, not trusted. */
function isPermutation(order: readonly number[], count: number): boolean {
  if (order.length !== count) return false;
  const seen = new Uint8Array(count);
  for (const index of order) {
    if (!Number.isInteger(index) || index < 0 || index >= count || seen[index]) return false;
    seen[index] = 1;
  }
  return true;
}

/** A task reached its terminal state: update its phase, its template, and who waits on it. */
function finish(
  state: WorkflowState,
  task: TaskState,
  status: 'succeeded' | 'failed' | 'cancelled' | 'skipped',
  at: number,
): void {
  if (isTerminal(task)) return;
  task.status = status;
  task.finishedAt = at;
  releaseGrant(state, task);
  setActive(state, task.id, false);
  setRetrying(state, task.id, false);
  delete state.doomed[task.id];
  delete state.toExpand[task.id];
  const phase = state.phases[task.phaseId]!;
  phase.open -= 1;
  if (status !== 'succeeded') {
    phase.unsuccessful += 1;
    if (status === 'failed') phase.failed += 1;
  }
  if (task.template) {
    const template = state.tasks[task.template]!;
    template.openChildren = (template.openChildren ?? 1) - 1;
    if (template.openChildren === 0 && template.status === 'expanded')
      finish(state, template, 'succeeded', at);
  }
  for (const dependentId of state.dependents[task.id] ?? []) {
    const dependent = state.tasks[dependentId]!;
    if (isTerminal(dependent) || state.phases[dependent.phaseId]!.status !== 'running') continue;
    if (status === 'succeeded') {
      dependent.unmet -= 1;
      if (
        dependent.unmet === 0 &&
        dependent.status === 'waiting' &&
        state.doomed[dependentId] === undefined
      ) {
        makeReady(state, dependent);
      }
    } else {
      state.doomed[dependentId] ??= `needs ${task.id}, which ${status}`;
    }
  }
}

/** Drops entries at the head of each ready queue that are no longer ready. */
function trimReadyQueues(state: WorkflowState): void {
  for (const queue of state.readyQueues) {
    while (queue.length > 0 && state.tasks[queue[0]!]!.status !== 'ready') queue.shift();
  }
}

/**
 * An agent task started its child: it waits without a worker (no longer active, so no
 * deadline or heartbeat of its own runs) and escrows the child's grant of the budget.
 */
function startChild(state: WorkflowState, task: TaskState, event: EventOf<'ChildStarted'>): void {
  setActive(state, task.id, false);
  task.status = 'waiting-child';
  task.round = event.round;
  task.childWorkflowId = event.childWorkflowId;
  task.lastRound = event.last;
  task.tokens = (task.tokens ?? 0) + event.tokens;
  const onParentEnd = (task.dispatchedInput as { onParentEnd?: string } | undefined)?.onParentEnd;
  task.cancelChild = onParentEnd !== 'abandon';
  const { maxTasks, maxConcurrency } = event.definition.budget;
  task.grant = { tasks: maxTasks, concurrency: maxConcurrency };
  state.reservedTasks += maxTasks;
  state.reservedConcurrency += maxConcurrency;
}

/**
 * An agent task's child ended: its grant is returned, what it used is counted, and the
 * task plans its next round (unless the child's failure fails it, in the same batch).
 */
function endChild(state: WorkflowState, task: TaskState, outcome: ChildOutcome): void {
  releaseGrant(state, task);
  task.rounds = [...(task.rounds ?? []), outcome];
  state.taskCount += outcome.usage.tasks;
  task.attemptsBefore = task.attempt;
  makeReady(state, task);
}

/** The escrow of a child that ended (or was let go) goes back to its parent's budget. */
function releaseGrant(state: WorkflowState, task: TaskState): void {
  if (!task.grant) return;
  state.reservedTasks -= task.grant.tasks;
  state.reservedConcurrency -= task.grant.concurrency;
  task.grant = undefined;
}
