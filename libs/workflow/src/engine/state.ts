import type {
  ChildOutcome,
  FanoutError,
  OutcomeStatus,
  ParentLink,
  PayloadRef,
  TaskDefinition,
  WorkflowDefinition,
  WorkflowSynthesis,
} from '@fanout/contracts';

/**
 * Where a task is. `waiting`: its phase has not started or a dependency is unmet;
 * `ready`: may be dispatched (or, for a forEach template, expanded); `dispatched`: on its
 * tool's queue; `running`: a worker took it; `retrying`: an attempt failed and the next
 * waits for `retryAt`; `expanded`: a forEach template whose copies are under way;
 * `waiting-child`: an agent.run task whose child workflow runs (it holds no worker, and
 * its grant of the budget is escrowed). The last four are terminal: a task reaches exactly
 * one of them, once.
 */
export type TaskPhase =
  | 'waiting'
  | 'ready'
  | 'dispatched'
  | 'running'
  | 'retrying'
  | 'expanded'
  | 'waiting-child'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'skipped';

export const TERMINAL: ReadonlySet<TaskPhase> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'skipped',
]);

export interface TaskState {
  id: string;
  phaseId: string;
  /** The task's name in its phase (`read` for `scan/read/3`). */
  name: string;
  tool: string;
  definition: TaskDefinition;
  /** A forEach task before and after it fans out; its copies carry `template` and `index`. */
  isTemplate: boolean;
  template?: string;
  index?: number;
  item?: unknown;
  status: TaskPhase;
  priority: number;
  /** Number of the current (or last) attempt; 0 before the first dispatch. */
  attempt: number;
  /** Ids of the tasks this one needs (explicit dependsOn and references). */
  deps: string[];
  /** Dependencies not yet succeeded, while `waiting`. */
  unmet: number;
  /** The resolved input of the current attempt, to send it again after a takeover. */
  dispatchedInput?: unknown;
  /** Where that input was stored when it was too large to dispatch inline. */
  dispatchedInputRef?: PayloadRef;
  firstDispatchedAt?: number;
  dispatchedAt?: number;
  deadline?: number;
  startedAt?: number;
  lastSeenAt?: number;
  retryAt?: number;
  finishedAt?: number;
  durationMs?: number;
  worker?: string;
  /**
   * What the task returned. A result too large to travel inline also has `resultRef`; the
   * value is still here (the shell fetches it before it reaches the engine), so references
   * and forEach read it like any other.
   */
  result?: unknown;
  resultRef?: PayloadRef;
  error?: FanoutError;
  reason?: string;
  /** An agent.run task's child: the current (or last) one. */
  childWorkflowId?: string;
  /** Children an agent.run task has started: its rounds so far. */
  round?: number;
  /** What the children of its finished rounds did, for the planner of the next. */
  rounds?: ChildOutcome[];
  /** The budget escrowed for the child that runs now, returned when it ends. */
  grant?: { tasks: number; concurrency: number };
  /** Whether the child that runs now is its last round: its result is the answer. */
  lastRound?: boolean;
  /** Whether the child that runs now is cancelled with this task (onParentEnd "cancel"). */
  cancelChild?: boolean;
  /** Attempts made before the current round began: retries count within a round. */
  attemptsBefore?: number;
  /** Model tokens its planning spent so far. */
  tokens?: number;
  /** Copies of a template still open. */
  openChildren?: number;
  children?: string[];
}

export type PhaseStatus = 'pending' | 'running' | OutcomeStatus;

export interface PhaseState {
  id: string;
  status: PhaseStatus;
  policy: 'fail' | 'degrade';
  /** The phase's limit from its start, when its barrier sets one. */
  barrierTimeoutMs?: number;
  dependsOn: string[];
  tasks: string[];
  startedAt?: number;
  barrierAt?: number;
  /** Tasks of the phase not yet terminal (a template counts until its copies are done). */
  open: number;
  /** Tasks of the phase that ended without success, and of those, how many failed outright. */
  unsuccessful: number;
  failed: number;
  /** Set when the workflow stops because this phase failed (policy `fail`). */
  failing?: boolean;
  missing: string[];
}

export type WorkflowStatus = 'new' | 'running' | 'cancelling' | OutcomeStatus;

/**
 * Everything the engine knows of one workflow, rebuilt by folding its events. Plain data
 * (JSON-safe) so that it can be snapshotted; the queues and counters are indexes kept by
 * `evolve` so that each decision costs what changed, not the size of the workflow.
 */
export interface WorkflowState {
  workflowId: string;
  status: WorkflowStatus;
  /** Number of events folded in; the next event's position in the log. */
  version: number;
  definition?: WorkflowDefinition;
  priority: number;
  depth: number;
  parent?: ParentLink;
  acceptedAt?: number;
  deadline?: number;
  /** When the current owner took over; silence before it does not count against a worker. */
  resumedAt?: number;
  cancelReason?: string;
  /** How a stop ends: a cancel by request, or a failure (a phase failed, time ran out). */
  endAs?: 'cancelled' | 'failed';
  phases: Record<string, PhaseState>;
  phaseOrder: string[];
  tasks: Record<string, TaskState>;
  taskOrder: string[];
  /** For each task, the tasks waiting on it. */
  dependents: Record<string, string[]>;
  /** Tasks ready to dispatch, by priority, oldest first; entries no longer ready are skipped. */
  readyQueues: string[][];
  /** Templates ready to fan out. */
  toExpand: Record<string, true>;
  /** Tasks that can no longer run, with the reason: something they need did not succeed. */
  doomed: Record<string, string>;
  /** Tasks on a queue or with a worker. */
  active: Record<string, true>;
  retrying: Record<string, true>;
  /** Sizes of `active` and `retrying`, kept so the scheduler never counts keys. */
  activeCount: number;
  retryingCount: number;
  /** Tasks counted against `budget.maxTasks`: its own, and those its ended children used. */
  taskCount: number;
  /** Tasks and concurrency granted to the children that run now (escrow). */
  reservedTasks: number;
  reservedConcurrency: number;
  /** Attempts sent to workers (agent tasks' planning not counted): its own tool calls. */
  toolCalls: number;

  synthesis?: WorkflowSynthesis;
  /** Why it was rejected, when it was. */
  rejection?: string;
  completedAt?: number;
}

/** The state before any event: a workflow nobody has submitted. */
export function initialState(workflowId = ''): WorkflowState {
  return {
    workflowId,
    status: 'new',
    version: 0,
    priority: 2,
    depth: 0,
    phases: {},
    phaseOrder: [],
    tasks: {},
    taskOrder: [],
    dependents: {},
    readyQueues: [[], [], [], [], []],
    toExpand: {},
    doomed: {},
    active: {},
    retrying: {},
    activeCount: 0,
    retryingCount: 0,
    taskCount: 0,
    reservedTasks: 0,
    reservedConcurrency: 0,
    toolCalls: 0,
  };
}

export function isTerminal(task: TaskState): boolean {
  return TERMINAL.has(task.status);
}

/** Puts a task in (`on`) or out of the set of tasks with a worker, keeping the count. */
export function setActive(state: WorkflowState, id: string, on: boolean): void {
  if (on && !state.active[id]) {
    state.active[id] = true;
    state.activeCount += 1;
  } else if (!on && state.active[id]) {
    delete state.active[id];
    state.activeCount -= 1;
  }
}

/** Puts a task in or out of the set of tasks waiting for a retry, keeping the count. */
export function setRetrying(state: WorkflowState, id: string, on: boolean): void {
  if (on && !state.retrying[id]) {
    state.retrying[id] = true;
    state.retryingCount += 1;
  } else if (!on && state.retrying[id]) {
    delete state.retrying[id];
    state.retryingCount -= 1;
  }
}
