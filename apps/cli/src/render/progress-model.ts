import type { LoadSnapshot, WorkflowEvent } from '@fanout/contracts';

/** One phase as the display shows it. */
export interface PhaseView {
  id: string;
  status: string;
  total: number;
  ended: number;
  failed: number;
  startedAt?: number;
  endedAt?: number;
}

/** A child workflow of an agent tree as the display shows it. */
export interface ChildView {
  workflowId: string;
  /** The agent task that started it: `<phase>/<task>` of its parent. */
  label: string;
  depth: number;
  status: string;
  total: number;
  ended: number;
  /** Its tool calls out with a worker right now. */
  busy: Set<string>;
}

/** One pool summed over the instances that serve it. */
export interface PoolView {
  pool: string;
  busy: number;
  size: number;
}

/** Three missed load snapshots (one every 5 s): the instance is gone. */
const STALE_MS = 15_000;

/** Whether the instance that sent `snapshot` was still alive at `now`. */
export function isLive(snapshot: LoadSnapshot, now: number): boolean {
  return now - snapshot.at <= STALE_MS;
}

const ENDED = new Set(['TaskSucceeded', 'TaskFailed', 'TaskSkipped', 'TaskCancelled']);

/**
 * What a live view of a run knows: the phases (from the workflow's events) and the pools'
 * busy and free slots (from the workers' load snapshots). Pure, so the display is only
 * drawing; `update` returns a line worth printing above the bars (a failure), if any.
 */
export class ProgressModel {
  readonly phases = new Map<string, PhaseView>();
  /** The child workflows below the run, in the order they started. */
  readonly children = new Map<string, ChildView>();
  private readonly load = new Map<string, LoadSnapshot>();

  /**
   * Folds an event of the tree in: the run's own (depth 0) into the phases, a child's into
   * its line of the tree. Returns a failure line to print, if it is one.
   */
  updateTree(item: {
    workflowId: string;
    depth: number;
    event: WorkflowEvent;
  }): string | undefined {
    const { event, depth } = item;
    if (event.type === 'ChildStarted') {
      this.children.set(event.childWorkflowId, {
        workflowId: event.childWorkflowId,
        label: event.taskId,
        depth: depth + 1,
        status: 'starting',
        total: 0,
        ended: 0,
        busy: new Set(),
      });
    }
    if (depth === 0) return this.update(event);
    const child = this.children.get(item.workflowId);
    if (!child) return undefined;
    if (event.type === 'WorkflowAccepted') {
      child.status = 'running';
      child.total = event.definition.phases.reduce((sum, phase) => sum + phase.tasks.length, 0);
    }
    if (event.type === 'TasksExpanded') child.total += event.count - 1;
    if (event.type === 'TaskDispatched' && event.tool !== 'agent.run') child.busy.add(event.taskId);
    if (event.type === 'TaskAttemptFailed') child.busy.delete(event.taskId);
    if (ENDED.has(event.type) && 'taskId' in event) {
      child.busy.delete(event.taskId);
      child.ended++;
    }
    if (event.type === 'WorkflowCompleted') child.status = event.status;
    if (event.type === 'WorkflowRejected') child.status = 'rejected';
    if (event.type === 'TaskFailed')
      return `failed ${item.workflowId} ${event.taskId}: ${event.error.code} ${event.error.message}`;
    return undefined;
  }

  /** Folds one workflow event in; returns a failure line to print, if it is one. */
  update(event: WorkflowEvent): string | undefined {
    if (event.type === 'WorkflowAccepted') {
      for (const phase of event.definition.phases) {
        const view = { id: phase.id, status: 'waiting', total: phase.tasks.length };
        this.phases.set(phase.id, { ...view, ended: 0, failed: 0 });
      }
    }
    const phaseId = 'phaseId' in event ? event.phaseId : undefined;
    const taskPhase = 'taskId' in event ? event.taskId.split('/')[0] : undefined;
    const phase = this.phases.get(phaseId ?? taskPhase ?? '');
    if (!phase) return undefined;
    if (event.type === 'PhaseStarted')
      Object.assign(phase, { status: 'running', startedAt: event.at });
    if (event.type === 'PhaseCompleted')
      Object.assign(phase, { status: event.status, endedAt: event.at });
    if (event.type === 'TasksExpanded') phase.total += event.count - 1;
    if (ENDED.has(event.type)) phase.ended++;
    if (event.type === 'TaskFailed') {
      phase.failed++;
      return `failed ${event.taskId}: ${event.error.code} ${event.error.message}`;
    }
    // Only an attempt with a `retryAt` is followed by another; the last one is followed by
    // TaskFailed, which prints the failure itself.
    if (event.type === 'TaskAttemptFailed' && event.retryAt !== undefined) {
      return `retrying ${event.taskId} after attempt ${event.attempt}: ${event.error.code} ${event.error.message}`;
    }
    return undefined;
  }

  /** Keeps the latest snapshot of each instance. */
  observe(snapshot: LoadSnapshot): void {
    this.load.set(`${snapshot.service}/${snapshot.instance}`, snapshot);
  }

  /**
   * Every pool's busy and total slots over the instances heard from lately (a snapshot
   * older than three missed ticks is an instance that stopped), by pool name.
   */
  pools(now: number): PoolView[] {
    const sums = new Map<string, PoolView>();
    for (const snapshot of this.load.values()) {
      if (!isLive(snapshot, now)) continue;
      for (const { pool, busy, size } of snapshot.pools) {
        const sum = sums.get(pool) ?? { pool, busy: 0, size: 0 };
        sum.busy += busy;
        sum.size += size;
        sums.set(pool, sum);
      }
    }
    return [...sums.values()].sort((a, b) => a.pool.localeCompare(b.pool));
  }
}
