import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Subjects, type WorkflowEvent } from '@fanout/contracts';
import { Backoff, BACKOFF, sleep } from '../backoff';
import { maxBodyBytes } from '../channels/message-size';
import { injectTrace } from '../tracing/propagation';
import { logMessageId } from './log-fold';
import { bodyOf, formatPositions, logMessages, POSITIONS_HEADER } from './log-messages';

/**
 * Appends a workflow's decisions to its log. A decision's events travel as few messages
 * (one per run of one type within one topic: `logMessages`), published together and
 * awaited together (one round trip for the batch), each with the message id
 * `<workflowId>:<first position>:<epoch>` (see `logPlace`) so that an append repeated
 * after a timeout is stored once, and so that a replay can tell one ownership's events
 * from another's (`foldLog`). The engine built these events from typed schemas; readers
 * validate them at their edge.
 *
 * Published together, a batch can be cut in the middle — the stream's leader changes, a
 * node is partitioned off — with a later message stored and an earlier one not: a gap a
 * replay would build on. So an append whose batch did not all arrive publishes what is
 * missing again, in order, with the same ids (what arrived is not stored twice), until the
 * whole batch is in or {@link REPAIR_MS} has passed; only then does it fail. A repaired
 * batch may sit in the stream out of order, and an owner that dies inside the repair leaves
 * a gap: replays fold the log by position and epoch (`foldLog`), stopping at a gap,
 * and the next owner's events (a higher epoch) replace whatever lay beyond it.
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
   * Appends `events`, the first at log position `from` (the state's version before them),
   * for the ownership of `epoch` (its lease's revision at acquisition, see `Lease.epoch`).
   * Resolves with the highest stream sequence of them once all are stored.
   */
  async append(
    workflowId: string,
    from: number,
    events: readonly WorkflowEvent[],
    epoch: number,
  ): Promise<number> {
    // Room for the positions header of a message of several events (a single event's
    // message has none, and may fill the body alone).
    const maxBody = maxBodyBytes(this.connection) - POSITIONS_ROOM;
    const messages = logMessages(events, from, maxBody, (event) => JSON.stringify(asLogged(event)));
    const publish = (index: number) => {
      const message = messages[index]!;
      const headers = injectTrace();
      if (message.positions.length > 1)
        headers.set(POSITIONS_HEADER, formatPositions(message.positions));
      return this.js.publish(
        this.names.event(workflowId, message.topic, message.type),
        this.encoder.encode(bodyOf(message)),
        { msgID: logMessageId(workflowId, message.positions[0]!, epoch), headers },
      );
    };
    return appendWhole(messages.length, (index) => publish(index).then((ack) => ack.seq));
  }
}

/** Bytes kept free in a message of several events for its positions header. */
const POSITIONS_ROOM = 16_384;

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
