import type { Broadcast } from '@fanout/contracts';
import { TaskCancelledError } from './errors';

type Cancel = Extract<Broadcast, { kind: 'cancel' }>;

/** A task as the registry sees it: who it is and how to stop it. */
export interface RunningTask {
  workflowId: string;
  taskId: string;
  abort(reason: Error): void;
}

/**
 * Which tasks run here, so a `cancel` broadcast can abort them, and which were cancelled
 * lately, so an attempt of theirs still waiting in the queue is refused instead of run for
 * nothing. A broadcast reaches every worker, so most find nothing of theirs to cancel.
 */
export class Cancellations {
  private readonly running = new Set<RunningTask>();
  /** workflowId -> until when it is remembered, and which tasks ('all' for the workflow). */
  private readonly recent = new Map<string, { until: number; tasks: Set<string> | 'all' }>();

  constructor(
    private readonly memoryMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Registers a running task; the returned function unregisters it. */
  track(task: RunningTask): () => void {
    this.running.add(task);
    return () => this.running.delete(task);
  }

  /** Aborts the running tasks the broadcast names and remembers it; returns how many ran here. */
  cancel(message: Cancel): number {
    this.remember(message);
    let aborted = 0;
    for (const task of this.running) {
      if (this.names(message, task.workflowId, task.taskId)) {
        task.abort(new TaskCancelledError(`${task.workflowId}/${task.taskId}`));
        aborted++;
      }
    }
    return aborted;
  }

  /** Whether a cancel broadcast named this task lately. */
  isCancelled(workflowId: string, taskId: string): boolean {
    const entry = this.recent.get(workflowId);
    if (!entry || entry.until < this.now()) return false;
    return entry.tasks === 'all' || entry.tasks.has(taskId);
  }

  private names(message: Cancel, workflowId: string, taskId: string): boolean {
    return (
      message.workflowId === workflowId && (!message.taskIds || message.taskIds.includes(taskId))
    );
  }

  private remember(message: Cancel): void {
    const now = this.now();
    for (const [workflowId, entry] of this.recent) {
      if (entry.until < now) this.recent.delete(workflowId);
    }
    const previous = this.recent.get(message.workflowId);
    const until = now + this.memoryMs;
    if (!message.taskIds || previous?.tasks === 'all') {
      this.recent.set(message.workflowId, { until, tasks: 'all' });
      return;
    }
    const tasks = new Set([...(previous?.tasks ?? []), ...message.taskIds]);
    this.recent.set(message.workflowId, { until, tasks });
  }
}
