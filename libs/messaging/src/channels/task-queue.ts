import {
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { PRIORITIES, subjects, TaskEnvelope, type Subjects } from '@fanout/contracts';
import type { z } from 'zod';
import { publishTraced } from '../tracing/propagation';
import { decode, encode, encodeJson } from './codec';
import type { PriorityLevel } from './priority-consumer';

/**
 * The task queues: one work queue per tool and priority, `<prefix>.task.<tool>.p<n>`. The
 * orchestrator dispatches attempts here and a tool's workers read them with a
 * {@link PriorityConsumer} over {@link taskLevels}.
 */
export class TaskQueue {
  private readonly js: JetStreamClient;
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
  }

  /**
   * What waits on one tool's queues, by priority: attempts not yet handed to a worker, and
   * the age of the oldest of them (read with a direct get of the next one after what the
   * level's consumer delivered). What `fanout_queue_depth` and autoscaling watch.
   */
  async backlog(tool: string, now = Date.now()): Promise<Backlog[]> {
    const jsm = await jetstreamManager(this.connection);
    const stream = this.names.streams.tasks;
    const levels = taskLevels(this.names, tool);
    return Promise.all(
      levels.map(async (level, priority): Promise<Backlog> => {
        let info;
        try {
          info = await jsm.consumers.info(stream, level.durable);
        } catch (error) {
          // No worker of this tool ever started: nothing is counted as waiting for it.
          if (
            error instanceof JetStreamApiError &&
            error.code === JetStreamApiCodes.ConsumerNotFound
          )
            return { priority, waiting: 0 };
          throw error;
        }
        if (info.num_pending === 0) return { priority, waiting: 0 };
        const next = await jsm.direct.getMessage(stream, {
          next_by_subj: level.filterSubject,
          seq: info.delivered.stream_seq + 1,
        });
        return {
          priority,
          waiting: info.num_pending,
          ...(next ? { oldestAgeMs: Math.max(0, now - next.time.getTime()) } : {}),
        };
      }),
    );
  }

  /**
   * Attempts on the queues not yet settled (waiting, or held by a worker), of one tool or of
   * all: a work queue keeps a message until it is acked.
   */
  async depth(tool?: string): Promise<number> {
    const jsm = await jetstreamManager(this.connection);
    if (tool === undefined)
      return (await jsm.streams.info(this.names.streams.tasks)).state.messages;
    const info = await jsm.streams.info(this.names.streams.tasks, {
      subjects_filter: this.names.tasks(tool),
    });
    return Object.values(info.state.subjects ?? {}).reduce((sum, count) => sum + count, 0);
  }

  /**
   * Puts one attempt on its tool's queue. The message id is the attempt's identity, so a
   * dispatch repeated after a crash is stored once; `msgID` overrides it for a deliberate
   * second copy (a dead letter retried). `typed: true` says the envelope was built by our
   * own typed code from checked data (the orchestrator's, from the engine's events), so it
   * is encoded without being validated again: that check copied every envelope, per task.
   */
  async dispatch(
    envelope: z.input<typeof TaskEnvelope>,
    options: { msgID?: string; typed?: boolean } = {},
  ): Promise<{ subject: string; seq: number; duplicate: boolean }> {
    const { value, data } = options.typed
      ? { value: envelope as TaskEnvelope, data: encodeJson(envelope) }
      : encode(TaskEnvelope, envelope, this.names.tasks(envelope.tool));
    const subject = this.names.task(value.tool, value.priority);
    const msgID = options.msgID ?? `${value.workflowId}:${value.taskId}:${value.attempt}`;
    const attributes = {
      'fanout.workflow_id': value.workflowId,
      'fanout.task_id': value.taskId,
      'fanout.attempt': value.attempt,
      'fanout.depth': value.depth,
    };
    const ack = await publishTraced(subject, attributes, (headers) =>
      this.js.publish(subject, data, { msgID, headers }),
    );
    return { subject, seq: ack.seq, duplicate: ack.duplicate };
  }
}

/** What waits on one priority of a tool's queue. */
export interface Backlog {
  priority: number;
  /** Attempts not yet handed to a worker. */
  waiting: number;
  /** Age of the oldest of them, when there is one. */
  oldestAgeMs?: number;
}

/** The levels a tool's workers read, p0 first; every worker of a tool shares them. */
export function taskLevels(names: Subjects, tool: string): PriorityLevel[] {
  return PRIORITIES.map((priority) => ({
    durable: names.taskDurable(tool, priority),
    filterSubject: names.task(tool, priority),
  }));
}

/** Reads a task attempt off its queue; an invalid one throws `InvalidMessageError`. */
export function decodeTask(message: JsMsg): TaskEnvelope {
  return decode(TaskEnvelope, message.data, message.subject);
}
