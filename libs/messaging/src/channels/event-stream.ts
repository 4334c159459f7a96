import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  subjects,
  topicOf,
  WorkflowEvent,
  type EventTopic,
  type Subjects,
} from '@fanout/contracts';
import { z } from 'zod';
import { InvalidMessageError } from '../errors';
import { StoredResults } from '../state/stored-results';
import { injectTrace } from '../tracing/propagation';
import { LiveLogOrder, logPlace } from '../state/log-fold';
import { parsePositions, POSITIONS_HEADER } from '../state/log-messages';
import { decode, encode, validate } from './codec';
import { follow, readToEnd, type StartAt } from './ordered-reader';
import type { Subscription } from './subscription';

/** A message of the log: one event, or several of one decision (see `logMessages`). */
const LoggedEvents = z.array(WorkflowEvent);

/**
 * An event as read back from the log: its stream sequence orders it and resumes a reader
 * (the events of one message share it: resume after it once all of them are handled).
 */
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
  /**
   * `log`: each workflow's events in the order of its log (see `LiveLogOrder`: a decision's
   * events are stored one message per type, so a reader of every topic otherwise sees its
   * dispatches before its results, say), with a stale owner's late writes left out — what
   * a view of a workflow wants; only for a read of every topic from the start. `stored` (the
   * default): as stored, every message — what a replay folds itself (`foldLog`).
   */
  order?: 'stored' | 'log';
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
  async subscribe(
    filter: EventFilter = {},
    from: StartAt = 'all',
    options: ReadOptions = {},
  ): Promise<Subscription<StoredEvent>> {
    const inOrder = logOrder(filter, from, options);
    const messages = await follow(
      this.connection,
      this.names.streams.events,
      this.names.events(filter),
      from,
      this.reader(options),
    );
    return {
      stop: () => messages.stop(),
      async *[Symbol.asyncIterator]() {
        for await (const events of messages) yield* inOrder(events);
      },
    };
  }

  /** Reads the matching events from `from` to the current end of the log, then stops. */
  async read(
    filter: EventFilter = {},
    from: StartAt = 'all',
    options: ReadOptions = {},
  ): Promise<StoredEvent[]> {
    const inOrder = logOrder(filter, from, options);
    const messages = await readToEnd(
      this.connection,
      this.names.streams.events,
      this.names.events(filter),
      from,
      this.reader(options),
    );
    return messages.flatMap(inOrder);
  }

  /** Turns a message into its events, each validated and placed in its workflow's log. */
  private reader(options: ReadOptions) {
    const resolve = options.results !== 'refs';
    return async (message: JsMsg): Promise<StoredEvent[]> => {
      const stored = placedEvents(message);
      if (resolve) for (const { event } of stored) await this.resolve(event, message.subject);
      return stored;
    };
  }

  /** Fetches what an event holds by reference (see {@link ReadOptions}). */
  private async resolve(event: WorkflowEvent, subject: string): Promise<void> {
    if (event.type === 'TaskSucceeded' && event.resultRef) {
      event.result = await (await this.storedResults()).get(event.resultRef, subject);
    }
    if (event.type === 'TaskDispatched' && event.inputRef) {
      event.input = await (await this.storedResults()).get(event.inputRef, subject);
    }
    if (event.type === 'ChildCompleted' && event.outcome.resultRef) {
      const stored = await this.storedResults();
      const result = await stored.get(event.outcome.resultRef, subject);
      event.outcome.result = result as Record<string, unknown>;
    }
  }

  private storedResults(): Promise<StoredResults> {
    this.results ??= StoredResults.open(this.connection, this.names).catch((error: unknown) => {
      this.results = undefined; // let the next read try again
      throw error;
    });
    return this.results;
  }
}

/**
 * What a reader passes on of each message's events: all of them as stored, or, with
 * `order: 'log'`, each workflow's in the order of its log.
 */
function logOrder(
  filter: EventFilter,
  from: StartAt,
  options: ReadOptions,
): (events: StoredEvent[]) => StoredEvent[] {
  if (options.order !== 'log') return (events) => events;
  if (filter.topic !== undefined || from !== 'all') {
    throw new Error(
      `events in log order are read from the start of every topic, not ${filter.topic ? `topic ${filter.topic}` : `from ${JSON.stringify(from)}`}`,
    );
  }
  const orders = new Map<string, LiveLogOrder<StoredEvent>>();
  return (events) =>
    events.flatMap((stored) => {
      const workflowId = stored.event.workflowId;
      let order = orders.get(workflowId);
      if (!order) orders.set(workflowId, (order = new LiveLogOrder()));
      return order.push(stored);
    });
}

/**
 * The events of one message, validated, each with its place in the log: a message of one
 * event takes its place from its id; a message of several takes the positions its header
 * lists (which must start at its id's position and name one per event) and its id's epoch.
 */
function placedEvents(message: JsMsg): StoredEvent[] {
  const { subject, seq } = message;
  const body: unknown = decode(z.unknown(), message.data, subject);
  const id = message.headers?.get('Nats-Msg-Id');
  if (!Array.isArray(body)) {
    const event = validate(WorkflowEvent, body, subject);
    return [{ seq, subject, event, ...logPlace(event.workflowId, id) }];
  }
  const events = validate(LoggedEvents, body, subject);
  const place = events[0] && logPlace(events[0].workflowId, id);
  if (!place) return events.map((event) => ({ seq, subject, event }));
  const header = message.headers?.get(POSITIONS_HEADER) ?? '';
  const positions = parsePositions(header);
  if (positions?.length !== events.length || positions[0] !== place.position) {
    throw new InvalidMessageError(subject, [
      `${POSITIONS_HEADER} "${header}" does not list the positions of its ${events.length} events from ${place.position}`,
    ]);
  }
  const { epoch } = place;
  return events.map((event, i) => ({ seq, subject, event, position: positions[i]!, epoch }));
}
