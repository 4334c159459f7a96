import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, topicOf, type Subjects, type WorkflowEvent } from '@fanout/contracts';
import { injectTrace } from '../tracing/propagation';

/**
 * Appends a workflow's decisions to its log. Events of one decision are published
 * together and awaited together (one round trip for the batch, not one per event), each
 * with the message id `<workflowId>:<position>` so that an append repeated after a
 * timeout or a crash is stored once. The engine built these events from typed schemas;
 * readers validate them at their edge.
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
    const acks = events.map((event, index) =>
      this.js.publish(
        this.names.event(workflowId, topicOf(event.type), event.type),
        this.encoder.encode(JSON.stringify(asLogged(event))),
        {
          msgID: `${workflowId}:${from + index}`,
          headers,
        },
      ),
    );
    let last = 0;
    for (const ack of await Promise.all(acks)) last = Math.max(last, ack.seq);
    return last;
  }
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
