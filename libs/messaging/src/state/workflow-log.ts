import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, topicOf, type Subjects, type WorkflowEvent } from '@fanout/contracts';
import { Backoff, BACKOFF, sleep } from '../backoff';
import { injectTrace } from '../tracing/propagation';

/**
 * Appends a workflow's decisions to its log. Events of one decision are published
 * together and awaited together (one round trip for the batch, not one per event), each
 * with the message id `<workflowId>:<position>` (see {@link logPosition}) so that an
 * append repeated after a timeout or a crash is stored once. The engine built these
 * events from typed schemas; readers validate them at their edge.
 *
 * Published together, a batch can be cut in the middle — the stream's leader changes, a
 * node is partitioned off — with a later event stored and an earlier one not: a gap a
 * replay would build on. So an append whose batch did not all arrive publishes what is
 * missing again, in order, with the same ids (what arrived is not stored twice), until the
 * whole batch is in or {@link REPAIR_MS} has passed; only then does it fail. A repaired
 * batch may sit in the stream out of order: replays order a log by position
 * ({@link inLogOrder}).
 */
export class WorkflowLog {
  private readonly js: JetStreamClient;
  private readonly encoder = new TextEncoder();

  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
  }

  /**
   * Removes a workflow's log once it is no longer kept: its events and its streamed items.
   * Resolves with the messages removed; a log already gone removes none.
   */
  async purge(workflowId: string): Promise<number> {
    const jsm = await jetstreamManager(this.connection);
    const events = await jsm.streams.purge(this.names.streams.events, {
      filter: this.names.events({ workflowId }),
    });
    const data = await jsm.streams.purge(this.names.streams.data, {
      filter: this.names.dataOf(workflowId),
    });
    return events.purged + data.purged;
  }

  /**
   * Appends `events`, the first at log position `from` (the state's version before them).
   * Resolves with the stream sequence of the last one once all are stored.
   */
  async append(
    workflowId: string,
    from: number,
    events: readonly WorkflowEvent[],
  ): Promise<number> {
    const headers = injectTrace();
    const publish = (index: number) => {
      const event = events[index]!;
      return this.js.publish(
        this.names.event(workflowId, topicOf(event.type), event.type),
        this.encoder.encode(JSON.stringify(asLogged(event))),
        { msgID: `${workflowId}:${from + index}`, headers },
      );
    };
    return appendWhole(events.length, (index) => publish(index).then((ack) => ack.seq));
  }
}

/** How long an append keeps publishing the missing part of a batch before it fails. */
export const REPAIR_MS = 10_000;

/**
 * Publishes `count` events at once with `publish(index)` (resolving with its stream
 * sequence), then, for as long as any is missing and `REPAIR_MS` allows, the missing ones
 * again one at a time in order, pausing with the edge's backoff. Resolves with the highest
 * sequence once every event is stored; rejects with the last failure otherwise.
 */
export async function appendWhole(
  count: number,
  publish: (index: number) => Promise<number>,
  repairMs = REPAIR_MS,
): Promise<number> {
  const settled = await Promise.allSettled(Array.from({ length: count }, (_, i) => publish(i)));
  const seqs = settled.map((result) => (result.status === 'fulfilled' ? result.value : undefined));
  const missing = () => seqs.flatMap((seq, index) => (seq === undefined ? [index] : []));
  const failure = settled.find((result) => result.status === 'rejected');
  const highest = () => (seqs as number[]).reduce((last, seq) => Math.max(last, seq), 0);
  if (!failure) return highest();
  let lastError: unknown = failure.reason;
  const deadline = Date.now() + repairMs;
  const backoff = new Backoff(BACKOFF.report);
  while (missing().length > 0 && Date.now() < deadline) {
    await sleep(Math.min(backoff.next(), Math.max(0, deadline - Date.now())));
    for (const index of missing()) {
      try {
        seqs[index] = await publish(index);
      } catch (error) {
        lastError = error;
        break; // in order: nothing after a missing event is published again before it
      }
    }
  }
  if (missing().length > 0) throw lastError;
  return highest();
}

/**
 * The position of a logged event, from its message id `<workflowId>:<position>`, or
 * undefined for a message published without one.
 */
export function logPosition(workflowId: string, msgId: string | undefined): number | undefined {
  if (!msgId?.startsWith(`${workflowId}:`)) return undefined;
  const position = Number(msgId.slice(workflowId.length + 1));
  return Number.isInteger(position) && position >= 0 ? position : undefined;
}

/**
 * A workflow's events in the order they were decided: by position when every one has
 * one (a repaired append may have stored a batch out of order), else as stored.
 */
export function inLogOrder<T extends { seq: number; position?: number }>(stored: T[]): T[] {
  if (stored.some((item) => item.position === undefined)) return stored;
  return [...stored].sort((a, b) => a.position! - b.position! || a.seq - b.seq);
}

/**
 * An event as the log keeps it: a result, an input or a child's outcome stored by reference
 * is logged as the reference alone (the engine holds the value; readers fetch it back).
 */
function asLogged(event: WorkflowEvent): WorkflowEvent {
  if (event.type === 'TaskSucceeded' && event.resultRef) {
    const { result: _inline, ...logged } = event;
    return logged;
  }
  if (event.type === 'TaskDispatched' && event.inputRef) {
    const { input: _inline, ...logged } = event;
    return logged;
  }
  if (event.type === 'ChildCompleted' && event.outcome.resultRef) {
    const { result: _inline, ...outcome } = event.outcome;
    return { ...event, outcome };
  }
  return event;
}
