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
import { StoredResults } from '../state/stored-results';
import { injectTrace } from '../tracing/propagation';
import { logPlace } from '../state/log-fold';
import { decode, encode } from './codec';
import { follow, readToEnd, type StartAt } from './ordered-reader';
import type { Subscription } from './subscription';

/** An event as read back from the log: its stream sequence orders it and resumes a reader. */
export interface StoredEvent {
  seq: number;
  subject: string;
  event: WorkflowEvent;
  /** Its place in its workflow's log, when it was appended with one (the orchestrator's). */
  position?: number;
  /** The ownership that appended it (see `foldLog`); 0 for a log written before epochs. */
  epoch?: number;
}

/** Which events to read: one workflow's, one topic's, both, or (empty) all of them. */
export interface EventFilter {
  workflowId?: string;
  topic?: EventTopic;
}

/** How a reader gets a result stored by reference. */
export interface ReadOptions {
  /**
   * `resolve` (the default): a `TaskSucceeded` whose result (a `TaskDispatched` whose
   * input) was too large to travel inline comes with it fetched from the Object Store (and
   * the reference kept); `refs`: as logged, with only the reference — for readers that
   * never look at results.
   */
  results?: 'resolve' | 'refs';
}

/**
 * The event stream: every workflow's log of decisions, on
 * `<prefix>.evt.<workflowId>.<topic>.<type>`. The orchestrator appends, anyone watches, and
 * a process that took over a workflow replays its log from a sequence. A workflow's log
 * is kept while it runs and for the retention after it ends (the orchestrator purges it).
 */
export class EventStream {
  private readonly js: JetStreamClient;
  private results: Promise<StoredResults> | undefined;
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
  subscribe(
    filter: EventFilter = {},
    from: StartAt = 'all',
    options: ReadOptions = {},
  ): Promise<Subscription<StoredEvent>> {
    return follow(
      this.connection,
      this.names.streams.events,
      this.names.events(filter),
      from,
      this.reader(options),
    );
  }

  /** Reads the matching events from `from` to the current end of the log, then stops. */
  read(
    filter: EventFilter = {},
    from: StartAt = 'all',
    options: ReadOptions = {},
  ): Promise<StoredEvent[]> {
    return readToEnd(
      this.connection,
      this.names.streams.events,
      this.names.events(filter),
      from,
      this.reader(options),
    );
  }

  private reader(options: ReadOptions) {
    const resolve = options.results !== 'refs';
    return async (message: JsMsg): Promise<StoredEvent> => {
      const event = decode(WorkflowEvent, message.data, message.subject);
      if (resolve && event.type === 'TaskSucceeded' && event.resultRef) {
        event.result = await (await this.storedResults()).get(event.resultRef, message.subject);
      }
      if (resolve && event.type === 'TaskDispatched' && event.inputRef) {
        event.input = await (await this.storedResults()).get(event.inputRef, message.subject);
      }
      if (resolve && event.type === 'ChildCompleted' && event.outcome.resultRef) {
        const stored = await this.storedResults();
        const result = await stored.get(event.outcome.resultRef, message.subject);
        event.outcome.result = result as Record<string, unknown>;
      }
      const place = logPlace(event.workflowId, message.headers?.get('Nats-Msg-Id'));
      return { seq: message.seq, subject: message.subject, event, ...place };
    };
  }

  private storedResults(): Promise<StoredResults> {
    this.results ??= StoredResults.open(this.connection, this.names).catch((error: unknown) => {
      this.results = undefined; // let the next read try again
      throw error;
    });
    return this.results;
  }
}
