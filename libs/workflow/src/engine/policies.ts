import { RetryPolicy, type FamilyCapacity, type ToolFamily } from '@fanout/contracts';
import { fnv1a } from './hash';
import type { TaskState, WorkflowState } from './state';

/** Engine settings that are not part of a workflow document. */
export interface EngineOptions {
  /** A started attempt with no sign of life for this long has failed (default 15 s). */
  heartbeatTimeoutMs: number;
  /** Task timeout when neither the task nor the document's defaults set one (default 5 min). */
  defaultTimeoutMs: number;
  /**
   * Limits of tools' spreads set by the deployment, by tool (`web.fetch: 8` where the web
   * workers let 8 requests to a host in at once); a tool not named keeps its contract's.
   */
  spreadLimits?: Readonly<Record<string, number>>;
  /**
   * The most a worker of each tool family can be given (its share of a host): a task
   * asking more is refused at submit as `UNSCHEDULABLE`. Unset: no task is refused.
   */
  capacity?: Readonly<Partial<Record<ToolFamily, FamilyCapacity>>>;
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  heartbeatTimeoutMs: 15_000,
  defaultTimeoutMs: 300_000,
};

/**
 * The policy of a task that states none, nor its workflow: the contract's defaults (3
 * attempts, exponential backoff with jitter), so a worker killed mid-task, a lost
 * heartbeat or a network error is tried again rather than failing the workflow.
 */
const DEFAULT_RETRY: RetryPolicy = RetryPolicy.parse({});

/** Attempts made in the task's current round (an agent task starts counting again each round). */
export function attemptsThisRound(task: TaskState): number {
  return task.attempt - (task.attemptsBefore ?? 0);
}

export function retryPolicyOf(state: WorkflowState, task: TaskState): RetryPolicy {
  return task.definition.retry ?? state.definition?.defaults.retry ?? DEFAULT_RETRY;
}

export function timeoutOf(state: WorkflowState, task: TaskState, options: EngineOptions): number {
  return (
    task.definition.timeoutMs ?? state.definition?.defaults.timeoutMs ?? options.defaultTimeoutMs
  );
}

export function priorityOf(state: WorkflowState, definition: { priority?: number }): number {
  return definition.priority ?? state.definition?.defaults.priority ?? state.priority;
}

/**
 * The wait before attempt `attempt + 1`: exponential, capped, and spread by jitter. The
 * jitter comes from a hash of the task and attempt rather than a random number, so the
 * engine stays a pure function and a replay decides the same delay.
 */
export function backoffDelay(policy: RetryPolicy, seed: string, attempt: number): number {
  const base = Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.multiplier ** (attempt - 1),
  );
  const spread = 1 - policy.jitter + 2 * policy.jitter * unitHash(`${seed}#${attempt}`);
  return Math.min(policy.maxDelayMs, Math.round(base * spread));
}

/** A hash of a string, scaled to [0, 1). */
function unitHash(text: string): number {
  return fnv1a(text) / 0x1_0000_0000;
}
