/**
 * Where a logged event stands: its position in its workflow's log and the epoch of the
 * ownership that wrote it (the lease's revision when its owner acquired it). Read from the
 * message id `<workflowId>:<position>:<epoch>`; an id of a log written before epochs,
 * `<workflowId>:<position>`, has epoch 0. Undefined for a message without such an id.
 */
export interface LogPlace {
  position: number;
  epoch: number;
}

/** The message id of the event at `position` appended by the ownership of `epoch`. */
export function logMessageId(workflowId: string, position: number, epoch: number): string {
  return `${workflowId}:${position}:${epoch}`;
}

export function logPlace(workflowId: string, msgId: string | undefined): LogPlace | undefined {
  if (!msgId?.startsWith(`${workflowId}:`)) return undefined;
  const parts = msgId.slice(workflowId.length + 1).split(':');
  if (parts.length > 2 || !parts.every((part) => /^\d+$/.test(part))) return undefined;
  const [position, epoch = 0] = parts.map(Number);
  const whole = (n: number | undefined): n is number => Number.isSafeInteger(n);
  return whole(position) && whole(epoch) ? { position, epoch } : undefined;
}

/** An event as stored, in stream order; `position`/`epoch` when it was appended with them. */
export interface Placed {
  seq: number;
  position?: number;
  epoch?: number;
}

/** Where a fold starts: the log's first `length` positions are known (a snapshot's), by `epoch`. */
export interface LogStart {
  length: number;
  epoch: number;
}

export interface LogFold<T> {
  /** The log from `start.length` on, in the order it was decided. */
  entries: T[];
  /**
   * An event of a later ownership sits below `start.length`: the known prefix (a snapshot)
   * is not part of this log, so the fold must start again from the beginning.
   */
  belowStart: boolean;
  /** Events left out: a stale owner's, ones beyond a gap, ones a later ownership replaced. */
  leftOut: number;
}

const EMPTY: LogStart = { length: 0, epoch: 0 };

/**
 * Folds a workflow's stored events, in stream order, into its log — what its owners decided,
 * in order, without gaps. Each ownership writes at the positions after the log it replayed,
 * with its own epoch, which grows from one ownership to the next. So:
 * - once an event of epoch e is stored, an event of a lower epoch stored later is a stale
 *   owner's late write and is left out (the fence);
 * - an event of a higher epoch at position p replaces what older epochs hold at p and after
 *   (the new owner did not see them: they lay beyond a gap, or arrived after its replay);
 * - an event beyond the end waits for the gap before it to fill (a batch published in
 *   parallel may be stored out of order); what still waits at the end is left out: the log
 *   stops at a gap;
 * - the same position and epoch again is a repeat and is left out;
 * - an event without a position (published without an id) is taken at the end, as stored.
 */
export function foldLog<T extends Placed>(stored: readonly T[], start = EMPTY): LogFold<T> {
  const log: { item: T; epoch: number }[] = [];
  const waiting = new Map<number, { item: T; epoch: number }>();
  let fence = start.epoch;
  let belowStart = false;
  const end = () => start.length + log.length;
  const lastEpoch = () => log.at(-1)?.epoch ?? start.epoch;
  const drain = () => {
    for (let next = waiting.get(end()); next; next = waiting.get(end())) {
      waiting.delete(end());
      log.push(next);
    }
  };
  for (const item of stored) {
    if (item.position === undefined) {
      log.push({ item, epoch: lastEpoch() });
      continue;
    }
    const { position } = item;
    const epoch = item.epoch ?? 0;
    if (epoch < fence) continue;
    if (epoch > fence) {
      fence = epoch;
      for (const [at, held] of waiting) if (held.epoch < epoch) waiting.delete(at);
    }
    if (position < start.length) {
      if (epoch > start.epoch) belowStart = true;
      continue;
    }
    if (position < end()) {
      const index = position - start.length;
      if (epoch <= log[index]!.epoch) continue;
      // Its own epoch's later events, stored before it, wait again; older ones go.
      for (const held of log.splice(index))
        if (held.epoch === epoch && held.item.position !== undefined)
          waiting.set(held.item.position, held);
    }
    if (position > end()) {
      const held = waiting.get(position);
      if (!held || held.epoch < epoch) waiting.set(position, { item, epoch });
      continue;
    }
    log.push({ item, epoch });
    drain();
  }
  const entries = log.map((entry) => entry.item);
  return { entries, belowStart, leftOut: stored.length - entries.length };
}

/**
 * The log's order for a reader that follows it live and cannot take back what it has
 * passed on: a decision's events are stored one message per type (`logMessages`), so a
 * reader of every topic sees a decision's dispatches before its results, say. This puts
 * them back in position order as they arrive, by the rules of {@link foldLog}, holding an
 * event until the ones before it have come:
 * - an event without a position is passed on at once;
 * - a stale owner's late write (an epoch below one already seen) is left out, and so is
 *   what waits beyond a gap when a later ownership begins;
 * - an event below the next expected position of an epoch not below the fence is passed on
 *   at once: a later owner rewriting what this reader passed already (the fold replaces it;
 *   a live reader sees both), or a repeat.
 * For one workflow's log read from its start (nothing ages a live workflow's log out).
 */
export class LiveLogOrder<T extends Placed> {
  private next = 0;
  private fence = 0;
  private readonly waiting = new Map<number, { item: T; epoch: number }>();

  /** Takes the next stored event; returns what may be passed on now, in order. */
  push(item: T): T[] {
    if (item.position === undefined) return [item];
    const epoch = item.epoch ?? 0;
    if (epoch < this.fence) return [];
    if (epoch > this.fence) {
      this.fence = epoch;
      for (const [at, held] of this.waiting) if (held.epoch < epoch) this.waiting.delete(at);
    }
    if (item.position < this.next) return [item];
    if (item.position > this.next) {
      const held = this.waiting.get(item.position);
      if (!held || held.epoch < epoch) this.waiting.set(item.position, { item, epoch });
      return [];
    }
    const passed = [item];
    this.next++;
    for (let held = this.waiting.get(this.next); held; held = this.waiting.get(this.next)) {
      this.waiting.delete(this.next);
      passed.push(held.item);
      this.next++;
    }
    return passed;
  }
}
