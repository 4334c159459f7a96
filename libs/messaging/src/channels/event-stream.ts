import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  subjects,
  topicOf,
  WorkflowEvent,
  type EventTopic,
  type Subjects,
} from '@fanout/contracts';
import type { z } from 'zod';
import { injectTrace } from '../tracing/propagation';
import { decode, encode } from './codec';
import { follow, readToEnd, type StartAt } from './ordered-reader';
import type { Subscription } from './subscription';

/** An event as read back from the log: its stream sequence orders it and resumes a reader. */
export interface StoredEvent {
  seq: number;
  subject: string;
  event: WorkflowEvent;
}

/** Which events to read: one workflow's, one topic's, both, or (empty) all of them. */
export interface EventFilter {
  workflowId?: string;
  topic?: EventTopic;
}

/**
 * The event stream: every workflow's log of decisions, on
 * `<prefix>.evt.<workflowId>.<topic>.<type>`. The orchestrator appends, anyone watches, and
 * a process that took over a workflow replays its log from a sequence. Retention is the
 * topology's (1 h by default); state that must live longer is snapshotted elsewhere.
 */
export class EventStream {
  private readonly js: JetStreamClient;
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
  }

  /**
   * Appends one event, validated against its contract. With `msgID`, a repeated append
   * (the writer retried after a timeout) is stored once and answers `duplicate: true`.
   */
  async publish(
    event: z.input<typeof WorkflowEvent>,
    options: { msgID?: string } = {},
  ): Promise<{ seq: number; duplicate: boolean }> {
    const subject = this.names.event(event.workflowId, topicOf(event.type), event.type);
    const { data } = encode(WorkflowEvent, event, subject);
    const ack = await this.js.publish(subject, data, {
      headers: injectTrace(),
      ...(options.msgID ? { msgID: options.msgID } : {}),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /**
   * Follows the events that match `filter`, in order, from `from` (default: everything
   * still kept). An event that fails validation ends the iteration with
   * `InvalidMessageError`, naming its subject; resume after its `seq` to skip it knowingly.
   */
  subscribe(filter: EventFilter = {}, from: StartAt = 'all'): Promise<Subscription<StoredEvent>> {
    return follow(
      this.connection,
      this.names.streams.events,
      this.names.events(filter),
      from,
      read,
    );
  }

  /** Reads the matching events from `from` to the current end of the log, then stops. */
  read(filter: EventFilter = {}, from: StartAt = 'all'): Promise<StoredEvent[]> {
    return readToEnd(
      this.connection,
      this.names.streams.events,
      this.names.events(filter),
      from,
      read,
    );
  }
}

function read(message: JsMsg): StoredEvent {
  return {
    seq: message.seq,
    subject: message.subject,
    event: decode(WorkflowEvent, message.data, message.subject),
  };
}
