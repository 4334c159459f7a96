import type { Broadcast } from '@fanout/contracts';
import { TaskCancelledError } from './errors';

type Cancel = Extract<Broadcast, { kind: 'cancel' }>;

/** A task attempt as the registry sees it: who it is and how to stop it. */
export interface RunningTask {
  workflowId: string;
  taskId: string;
  attempt: number;
  abort(reason: Error): void;
  /** What preemption weighs: the tool, whether it may be stopped, its priority, since when. */
  tool?: string;
  preemptible?: boolean;
  priority?: number;
  startedAt?: number;
  /** Set once it was told to stop for a higher-priority task. */
  preempted?: boolean;
}

/** Of one workflow, what was cancelled: everything, or attempts up to a number per task. */
type Cancelled = 'all' | Map<string, number>;

/**
 * Which attempts run here, so a `cancel` broadcast can abort them, and which were cancelled
 * lately, so one of them still waiting in the queue (or redelivered after its worker died)
 * is refused instead of run for nothing. A cancel of a whole task names no attempts and
 * covers all of them; the engine giving up one attempt (timed out, its worker silent)
 * names it, so the next attempt of the same task still runs. A broadcast reaches every
 * worker, so most find nothing of theirs to cancel.
 */
export class Cancellations {
  private readonly running = new Set<RunningTask>();
  /** workflowId -> until when it is remembered, and what of it. */
  private readonly recent = new Map<string, { until: number; cancelled: Cancelled }>();

  constructor(
    private readonly memoryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a running attempt; the returned function unregisters it. */
  track(task: RunningTask): () => void {
    this.running.add(task);
    return () => this.running.delete(task);
  }

  /** The attempts running here now. */
  runningNow(): Iterable<RunningTask> {
    return this.running;
  }

  /** Aborts the running attempts the broadcast names and remembers it; returns how many ran here. */
  cancel(message: Cancel): number {
    this.remember(message);
    let aborted = 0;
    for (const task of this.running) {
      if (this.isCancelled(task.workflowId, task.taskId, task.attempt)) {
        task.abort(new TaskCancelledError(`${task.workflowId}/${task.taskId}#${task.attempt}`));
        aborted++;
      }
    }
    return aborted;
  }

  /** Whether a cancel broadcast named this attempt lately. */
  isCancelled(workflowId: string, taskId: string, attempt: number): boolean {
    const entry = this.recent.get(workflowId);
    if (!entry || entry.until < this.now()) return false;
    if (entry.cancelled === 'all') return true;
    return attempt <= (entry.cancelled.get(taskId) ?? 0);
  }

  private remember(message: Cancel): void {
    const now = this.now();
    for (const [workflowId, entry] of this.recent) {
      if (entry.until < now) this.recent.delete(workflowId);
    }
    const previous = this.recent.get(message.workflowId)?.cancelled;
    const until = now + this.memoryMs;
    if (!message.taskIds || previous === 'all') {
      this.recent.set(message.workflowId, { until, cancelled: 'all' });
      return;
    }
    const cancelled = new Map(previous ?? []);
    for (const taskId of message.taskIds) {
      const upTo = message.attempts?.[taskId] ?? Number.POSITIVE_INFINITY;
      cancelled.set(taskId, Math.max(cancelled.get(taskId) ?? 0, upTo));
    }
    this.recent.set(message.workflowId, { until, cancelled });
  }
}
