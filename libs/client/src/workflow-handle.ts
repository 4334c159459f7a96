import type { EventOf, WorkflowEvent } from '@fanout/contracts';
import type { DataPipeline, EventStream, StoredEvent, Subscription } from '@fanout/messaging';
import { TimeoutError, ValidationError } from './errors';
import { MergedFeeds } from './merged-feeds';

/** An event of a workflow of a tree, as `tree()` yields it. */
export interface TreeEvent {
  workflowId: string;
  /** 0 for the workflow followed, 1 for its children, and so on. */
  depth: number;
  event: WorkflowEvent;
}

/** A task's recorded result, as `results()` yields it. */
export interface TaskResult {
  taskId: string;
  attempt: number;
  result: unknown;
  durationMs: number;
}

/** Ends a workflow's log: it completed, or the orchestrator refused it. */
function isFinal(event: WorkflowEvent): boolean {
  return event.type === 'WorkflowCompleted' || event.type === 'WorkflowRejected';
}

/** A workflow's events as its log orders them (see `ReadOptions.order`). */
const IN_ORDER = { order: 'log' } as const;

/** Whether `taskId` is `wanted` or one of its forEach copies (`wanted/<n>`). */
function matches(taskId: string, wanted?: string): boolean {
  return wanted === undefined || taskId === wanted || taskId.startsWith(`${wanted}/`);
}

/**
 * One submitted workflow, seen through its event log. Every read starts at the log's
 * beginning (not "new"), so nothing published before the reader existed is missed.
 */
export class WorkflowHandle {
  constructor(
    /** The workflow's id, as on the wire and in its subjects. */
    readonly id: string,
    private readonly stream: EventStream,
    private readonly pipeline: DataPipeline,
    private readonly cancelWith: (reason: string) => Promise<void>,
  ) {}

  /** The workflow's events from the start, ending after `WorkflowCompleted` (or `WorkflowRejected`). */
  async *events(options: { timeoutMs?: number } = {}): AsyncGenerator<WorkflowEvent> {
    const subscription = await this.stream.subscribe({ workflowId: this.id }, 'all', IN_ORDER);
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            void subscription.stop();
          }, options.timeoutMs);
    try {
      for await (const stored of subscription) {
        yield stored.event;
        if (isFinal(stored.event)) return;
      }
      if (timedOut) throw new TimeoutError(`workflow ${this.id}`, options.timeoutMs ?? 0);
    } finally {
      clearTimeout(timer);
      await subscription.stop();
    }
  }

  /**
   * The events of the workflow and of every child workflow its agents start (and theirs),
   * as they come, each with the workflow it belongs to and its depth below this one. It
   * ends once every one of them has ended (a child its agent abandoned, too). What a view
   * of an agent tree follows.
   */
  async *tree(options: { timeoutMs?: number } = {}): AsyncGenerator<TreeEvent> {
    const merged = new MergedFeeds<TreeEvent>();
    const follow = (workflowId: string, depth: number) =>
      merged.add(async (push) => {
        const subscription = await this.stream.subscribe({ workflowId }, 'all', IN_ORDER);
        merged.onStop(() => subscription.stop());
        for await (const stored of subscription) {
          push({ workflowId, depth, event: stored.event });
          if (stored.event.type === 'ChildStarted') follow(stored.event.childWorkflowId, depth + 1);
          if (isFinal(stored.event)) break;
        }
        await subscription.stop();
      });
    follow(this.id, 0);
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => merged.fail(new TimeoutError(`workflow ${this.id}`, options.timeoutMs ?? 0)),
            options.timeoutMs,
          );
    try {
      for await (const item of merged) yield item;
    } finally {
      clearTimeout(timer);
      await merged.stop();
    }
  }

  /**
   * The events from the start, then live, as logged (a large result comes as its
   * reference: see {@link result}), for as long as it is iterated, past the workflow's
   * end too: what a live view follows. Stop it with `stop()`.
   */
  follow(): Promise<Subscription<StoredEvent>> {
    return this.stream.subscribe({ workflowId: this.id }, 'all', { results: 'refs', order: 'log' });
  }

  /**
   * The recorded result of one task (a forEach copy by its full id), fetched from where
   * it was stored when too large to travel inline; undefined while it has not succeeded.
   */
  async result(taskId: string): Promise<TaskResult | undefined> {
    const log = await this.stream.read({ workflowId: this.id, topic: 'results' }, 'all');
    for (const { event } of log) {
      if (event.type !== 'TaskSucceeded' || event.taskId !== taskId) continue;
      const { attempt, result, durationMs } = event;
      return { taskId, attempt, result, durationMs };
    }
    return undefined;
  }

  /** The events logged so far, without waiting for more: what `fanout status` reads. */
  async history(): Promise<WorkflowEvent[]> {
    const log = await this.stream.read({ workflowId: this.id }, 'all', IN_ORDER);
    return log.map((stored) => stored.event);
  }

  /**
   * Results of succeeded tasks (of `taskId` and its forEach copies, or all), in log order.
   * A result too large to travel inline is fetched from where it was stored: it comes whole.
   */
  async *results(taskId?: string): AsyncGenerator<TaskResult> {
    for await (const event of this.events()) {
      if (event.type !== 'TaskSucceeded' || !matches(event.taskId, taskId)) continue;
      yield {
        taskId: event.taskId,
        attempt: event.attempt,
        result: event.result,
        durationMs: event.durationMs,
      };
    }
  }

  /** The items a task attempt streamed on the data pipeline while it ran, in order. */
  items(taskId: string, attempt = 1): AsyncGenerator<unknown> {
    return this.pipeline.items({ workflowId: this.id, taskId, attempt });
  }

  /**
   * Waits for the end and returns `WorkflowCompleted` (whatever its status). Throws
   * {@link TimeoutError} when it takes too long and {@link ValidationError} when refused.
   */
  async wait(options: { timeoutMs?: number } = {}): Promise<EventOf<'WorkflowCompleted'>> {
    for await (const event of this.events(options)) {
      if (event.type === 'WorkflowCompleted') return event;
      if (event.type === 'WorkflowRejected') throw new ValidationError(event.errors);
    }
    throw new Error(`the event log of workflow ${this.id} ended before it completed`);
  }

  /** Asks for cancellation; running tasks are stopped and the workflow ends `cancelled`. */
  cancel(reason = 'cancelled by request'): Promise<void> {
    return this.cancelWith(reason);
  }
}
