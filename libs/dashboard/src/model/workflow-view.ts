import type { FanoutError, WorkflowEvent, WorkflowSynthesis } from '@fanout/contracts';

/** Where a task stands, as drawn: each status has its colour. */
export type TaskStatus =
  | 'pending'
  | 'queued'
  | 'running'
  | 'retrying'
  | 'waiting'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped';

/** Where a workflow stands: running until its log says otherwise. */
export type WorkflowStatus =
  'running' | 'cancelling' | 'succeeded' | 'degraded' | 'failed' | 'cancelled' | 'rejected';

/** One attempt of a task, as the waterfall draws it: queued, then running, then ended. */
export interface AttemptView {
  attempt: number;
  dispatchedAt: number;
  startedAt?: number;
  endedAt?: number;
  worker?: string;
  outcome?: 'succeeded' | 'failed' | 'cancelled';
  error?: FanoutError;
}

export interface TaskView {
  id: string;
  phaseId: string;
  tool: string;
  status: TaskStatus;
  attempts: AttemptView[];
  input?: unknown;
  /** Whether a result was recorded (fetched on demand: it may be large). */
  hasResult: boolean;
  error?: FanoutError;
  reason?: string;
  /** The child workflows an agent.run task started, one per round. */
  children: string[];
}

export interface PhaseView {
  id: string;
  dependsOn: string[];
  status: 'pending' | 'running' | 'succeeded' | 'degraded' | 'failed' | 'cancelled';
  taskIds: string[];
}

/** Everything a workflow's page shows, folded from its events. */
export interface WorkflowView {
  id: string;
  name?: string;
  status: WorkflowStatus;
  acceptedAt?: number;
  endedAt?: number;
  parent?: { workflowId: string; taskId: string };
  phases: PhaseView[];
  tasks: Record<string, TaskView>;
  synthesis?: WorkflowSynthesis;
  cancelReason?: string;
  rejections?: Array<{ path: string; message: string }>;
}

export function emptyView(id: string): WorkflowView {
  return { id, status: 'running', phases: [], tasks: {} };
}

const TERMINAL: ReadonlySet<TaskStatus> = new Set(['succeeded', 'failed', 'cancelled', 'skipped']);

/** Whether a task has ended, one way or another. */
export function isTerminal(status: TaskStatus): boolean {
  return TERMINAL.has(status);
}

/**
 * Folds one event into the view, in place, and returns it. The page folds the log from
 * its start, then each live event, so the view is always the log's, never a guess.
 */
export function applyEvent(view: WorkflowView, event: WorkflowEvent): WorkflowView {
  const task = 'taskId' in event ? view.tasks[event.taskId] : undefined;
  const attemptOf = (n: number) => task?.attempts.find((a) => a.attempt === n);
  switch (event.type) {
    case 'WorkflowAccepted':
      accept(view, event);
      break;
    case 'WorkflowRejected':
      view.status = 'rejected';
      view.rejections = event.errors;
      view.endedAt = event.at;
      break;
    case 'PhaseStarted':
      setPhase(view, event.phaseId, 'running');
      break;
    case 'PhaseCompleted':
      setPhase(view, event.phaseId, event.status);
      break;
    case 'TasksExpanded':
      expand(view, event.taskId, event.count);
      break;
    case 'TaskDispatched':
      if (!task) break;
      task.status = 'queued';
      task.input = event.input ?? task.input;
      task.attempts.push({ attempt: event.attempt, dispatchedAt: event.at });
      break;
    case 'TaskStarted': {
      const attempt = attemptOf(event.attempt);
      if (!task || !attempt) break;
      task.status = 'running';
      Object.assign(attempt, { startedAt: event.at, worker: event.worker });
      break;
    }
    case 'TaskSucceeded':
      if (!task) break;
      Object.assign(task, { status: 'succeeded', hasResult: true });
      end(attemptOf(event.attempt), event.at, 'succeeded');
      break;
    case 'TaskAttemptFailed':
      if (!task) break;
      if (event.retryAt !== undefined) task.status = 'retrying';
      end(attemptOf(event.attempt), event.at, 'failed', event.error);
      break;
    case 'TaskFailed':
      if (!task) break;
      Object.assign(task, { status: 'failed', error: event.error });
      break;
    case 'TaskCancelled':
      if (!task) break;
      Object.assign(task, { status: 'cancelled', reason: event.reason });
      for (const attempt of task.attempts) end(attempt, event.at, 'cancelled');
      break;
    case 'TaskSkipped':
      if (task) Object.assign(task, { status: 'skipped', reason: event.reason });
      break;
    case 'ChildStarted':
      if (!task) break;
      task.status = 'waiting';
      task.children.push(event.childWorkflowId);
      break;
    case 'ChildRefused':
      if (task) task.reason = event.message;
      break;
    case 'WorkflowCancelRequested':
      view.status = 'cancelling';
      view.cancelReason = event.reason;
      break;
    case 'WorkflowCompleted':
      view.status = event.status;
      view.synthesis = event.synthesis;
      view.endedAt = event.at;
      break;
    default:
      break;
  }
  return view;
}

function accept(view: WorkflowView, event: Extract<WorkflowEvent, { type: 'WorkflowAccepted' }>) {
  view.name = event.definition.name;
  view.acceptedAt = event.at;
  if (event.parent) {
    view.parent = { workflowId: event.parent.workflowId, taskId: event.parent.taskId };
  }
  for (const phase of event.definition.phases) {
    const taskIds = phase.tasks.map((task) => `${phase.id}/${task.id}`);
    view.phases.push({ id: phase.id, dependsOn: phase.dependsOn, status: 'pending', taskIds });
    for (const task of phase.tasks) {
      const id = `${phase.id}/${task.id}`;
      view.tasks[id] = newTask(id, phase.id, task.tool, task.input);
    }
  }
}

function newTask(id: string, phaseId: string, tool: string, input?: unknown): TaskView {
  return {
    id,
    phaseId,
    tool,
    status: 'pending',
    attempts: [],
    input,
    hasResult: false,
    children: [],
  };
}

/** A forEach task's copies take its place in its phase: they are what runs. */
function expand(view: WorkflowView, taskId: string, count: number) {
  const template = view.tasks[taskId];
  const phase = view.phases.find((p) => p.id === template?.phaseId);
  if (!template || !phase) return;
  const copies = Array.from({ length: count }, (_, n) => `${taskId}/${n}`);
  for (const id of copies) view.tasks[id] = newTask(id, template.phaseId, template.tool);
  phase.taskIds.splice(phase.taskIds.indexOf(taskId), 1, ...copies);
  delete view.tasks[taskId];
}

function setPhase(view: WorkflowView, phaseId: string, status: PhaseView['status']) {
  const phase = view.phases.find((p) => p.id === phaseId);
  if (phase) phase.status = status;
}

function end(
  attempt: AttemptView | undefined,
  at: number,
  outcome: NonNullable<AttemptView['outcome']>,
  error?: FanoutError,
) {
  if (!attempt || attempt.endedAt !== undefined) return;
  Object.assign(attempt, { endedAt: at, outcome, ...(error ? { error } : {}) });
}
