import { topicOf, type EventTopic, type WorkflowEvent } from '@fanout/contracts';

/**
 * How a decision's events become messages of the event stream. One message per event cost
 * the orchestrator two publishes per task (its dispatch and its result) and the server two
 * stored messages; a decision of 100 reports is 200 events. So the events of one decision
 * travel together, one message per run of one type within one topic:
 * - a message still has one subject, `<prefix>.evt.<workflowId>.<topic>.<type>`, so a
 *   reader filtering by topic gets its events, in log order, and a subject still names
 *   what its message holds;
 * - its body is the event itself when it holds one (as before), a JSON array of the events
 *   in log order when it holds several;
 * - its id is `<workflowId>:<first position>:<epoch>` (`logMessageId`), so a repeated
 *   append stores it once, and {@link POSITIONS_HEADER} lists the positions of the events
 *   of an array (they interleave with other topics' and types': dispatches with results);
 * - a run larger than a message may carry, or of more than {@link MAX_EVENTS} events, is
 *   cut into several (so the positions header stays small whatever the positions).
 * Messages are published in the order of their first events, so the one that ends a log
 * (`WorkflowCompleted`, the last event of its decision) is stored last.
 */
export interface LogMessage {
  topic: EventTopic;
  type: WorkflowEvent['type'];
  /** Log positions of the events, ascending. */
  positions: number[];
  /** The events as JSON, in the order of `positions`. */
  bodies: string[];
}

/** The most events one message holds. */
export const MAX_EVENTS = 1_024;

/** The header listing the log positions of the events of a message that holds several. */
export const POSITIONS_HEADER = 'Fanout-Log-Positions';

/**
 * Splits a decision's events, the first at log position `from`, into messages of at most
 * `maxBytes` of body (a body of one event is never cut: events are fitted to a message
 * before they are appended). `encode` turns an event into the JSON the log keeps.
 */
export function logMessages(
  events: readonly WorkflowEvent[],
  from: number,
  maxBytes: number,
  encode: (event: WorkflowEvent) => string = JSON.stringify,
): LogMessage[] {
  const messages: LogMessage[] = [];
  /** The message each topic is filling, and its body's size so far. */
  const open = new Map<EventTopic, { message: LogMessage; bytes: number }>();
  events.forEach((event, index) => {
    const topic = topicOf(event.type);
    const body = encode(event);
    const filling = open.get(topic);
    // Brackets and commas: an array of n bodies is their length plus n + 1.
    const grown = filling ? filling.bytes + body.length + 1 : 0;
    const fits = grown <= maxBytes && (filling?.message.positions.length ?? 0) < MAX_EVENTS;
    if (filling && filling.message.type === event.type && fits) {
      filling.message.positions.push(from + index);
      filling.message.bodies.push(body);
      filling.bytes = grown;
      return;
    }
    const message: LogMessage = {
      topic,
      type: event.type,
      positions: [from + index],
      bodies: [body],
    };
    messages.push(message);
    open.set(topic, { message, bytes: body.length + 2 });
  });
  return messages;
}

/** A message's body: its one event, or the array of its events. */
export function bodyOf(message: LogMessage): string {
  return message.bodies.length === 1 ? message.bodies[0]! : `[${message.bodies.join(',')}]`;
}

/**
 * Positions as the header writes them: ascending positions in runs of one step, each run
 * `<first>` or `<first>+<step>x<count>` — a decision's results interleaved with its
 * dispatches are one run of step 2, whatever their number.
 */
export function formatPositions(positions: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < positions.length;) {
    const first = positions[i]!;
    const step = (positions[i + 1] ?? first) - first;
    let count = 1;
    while (step > 0 && positions[i + count] === first + step * count) count++;
    runs.push(count === 1 ? `${first}` : `${first}+${step}x${count}`);
    i += count;
  }
  return runs.join(',');
}

const RUN = /^(\d+)(?:\+(\d+)x(\d+))?$/;

/** The positions a header lists; undefined when it is not a list of ascending positions. */
export function parsePositions(header: string): number[] | undefined {
  const positions: number[] = [];
  for (const run of header.split(',')) {
    const parts = RUN.exec(run.trim());
    if (!parts) return undefined;
    const first = Number(parts[1]);
    const step = parts[2] === undefined ? 0 : Number(parts[2]);
    const count = parts[3] === undefined ? 1 : Number(parts[3]);
    if (count < 1 || (count > 1 && step < 1) || count > 1_000_000) return undefined;
    for (let k = 0; k < count; k++) positions.push(first + step * k);
  }
  const ascending = positions.every(
    (p, i) => Number.isSafeInteger(p) && (i === 0 || p > positions[i - 1]!),
  );
  return ascending ? positions : undefined;
}
