import { mayTakeSlot, owedSlots, reservedSlots, type ShareBook } from '@fanout/contracts';

/** What a pool's choice needs to know of one buffered call. */
export interface WaitingCall {
  workflowId: string;
  /** The workflow's fairness weight (1 when it gives none). */
  weight: number;
  /** The call's class within its pool (a bash category, a search category), if it has one. */
  kind?: string | undefined;
}

/** A pool's slots now: how many it has and how many run. */
export interface PoolNow {
  size: number;
  busy: number;
}

/**
 * Which buffered call of a pool starts next, by two rules:
 *
 * **Reservations, not ceilings** (guarantee and borrow, `mayTakeSlot` of the contracts,
 * the rule tools-web's search instances follow too). Each class named in `shares` is
 * guaranteed its share of the pool's slots (at least one); a class at or over it borrows
 * only slots no waiting class is owed, so a burst of builds fills the pool while nothing
 * else waits, and a git command that arrives meanwhile gets the next free slot rather
 * than queueing behind the burst.
 *
 * **Weighted fair share between workflows** (start-time fair queuing): each start of a
 * workflow's call moves its tag on by 1/weight, and the call of the workflow with the
 * lowest tag goes first; a workflow that was not waiting comes in at the current tag, so
 * it neither jumps ahead by what it did not use nor waits behind another's backlog. With
 * both waiting, a workflow of weight 3 starts three calls for each one of weight 1.
 *
 * Pure bookkeeping: the caller says what started and ended.
 */
export class SlotChooser {
  private readonly running = new Map<string, number>();
  private readonly tags = new Map<string, number>();
  private clock = 0;
  private readonly classed: boolean;

  constructor(private readonly shares: Readonly<Record<string, number>> = {}) {
    this.classed = Object.keys(shares).length > 0;
  }

  /** Slots `kind` is guaranteed in a pool of `size`: its share, at least one; 0 for a class without one. */
  reserved(kind: string | undefined, size: number): number {
    const share = kind === undefined ? undefined : this.shares[kind];
    return share === undefined ? 0 : reservedSlots(share, size);
  }

  /** Calls of `kind` running now. */
  runningOf(kind: string | undefined): number {
    return kind === undefined ? 0 : (this.running.get(kind) ?? 0);
  }

  /**
   * The index in `buffers[level]` of the call to start next, or undefined when none of
   * that level may start now (the pool is full, or every waiting class there would take a
   * slot another waiting class is owed). `callOf` says what a buffered item is, so a pool
   * passes its buffers as they are, and a pick reads only what it weighs: the items of
   * `level`, and those of the other levels only when classes have shares.
   */
  choose<T>(
    level: number,
    buffers: readonly (readonly T[])[],
    pool: PoolNow,
    callOf: (item: T) => WaitingCall = (item) => item as WaitingCall,
  ): number | undefined {
    const free = pool.size - pool.busy;
    if (free <= 0) return undefined;
    // Without shares no class is guaranteed or owed anything: every call may take a free slot.
    const book = this.classed ? this.book(pool.size) : undefined;
    const owed = book
      ? owedSlots(
          buffers.flatMap((buffer) => buffer.map((item) => callOf(item).kind)),
          book,
        )
      : undefined;
    let best: number | undefined;
    let bestWorkflow: string | undefined;
    let bestTag = Infinity;
    const buffer = buffers[level] ?? [];
    for (let index = 0; index < buffer.length; index++) {
      const call = callOf(buffer[index] as T);
      // Another call of the best workflow has its tag: not lower, so not chosen.
      if (call.workflowId === bestWorkflow) continue;
      if (owed && book && !mayTakeSlot(call.kind, free, owed, book)) continue;
      const tag = this.tagOf(call.workflowId);
      if (tag < bestTag) {
        best = index;
        bestWorkflow = call.workflowId;
        bestTag = tag;
        // No tag is below the clock: nothing further can be chosen over this one.
        if (tag <= this.clock) break;
      }
    }
    return best;
  }

  /** A chosen call started: its class holds a slot and its workflow's tag moves on. */
  started(call: WaitingCall): void {
    if (call.kind !== undefined) this.running.set(call.kind, this.runningOf(call.kind) + 1);
    const tag = this.tagOf(call.workflowId);
    this.clock = tag;
    this.tags.set(call.workflowId, tag + 1 / Math.max(call.weight, Number.MIN_VALUE));
    if (this.tags.size > 1_024) this.forgetIdle();
  }

  /** A started call ended, however it ended. */
  ended(call: WaitingCall): void {
    if (call.kind !== undefined)
      this.running.set(call.kind, Math.max(0, this.runningOf(call.kind) - 1));
  }

  private tagOf(workflowId: string): number {
    return Math.max(this.tags.get(workflowId) ?? 0, this.clock);
  }

  private book(size: number): ShareBook {
    return {
      reserved: (kind) => this.reserved(kind, size),
      running: (kind) => this.runningOf(kind),
    };
  }

  /** A workflow whose tag the clock has passed is the same as one never seen. */
  private forgetIdle(): void {
    for (const [workflowId, tag] of this.tags) if (tag <= this.clock) this.tags.delete(workflowId);
  }
}
