/**
 * Guarantee and borrow: the one rule by which the classes of a pool (the bash categories
 * of a worker's `bash.exec` pool, the query categories of the search instances) share its
 * slots. Each class is guaranteed its share of the slots, at least one; a class under its
 * guarantee may take any free slot, and a class at or over it borrows only the slots no
 * waiting class is still owed. A share is a reservation, not a ceiling: one class alone
 * may use every slot, and a class that starts asking gets the next free one.
 */

/** What the rule needs to know of a pool's classes now. */
export interface ShareBook {
  /** Slots the class is guaranteed (0 for one with no share). */
  reserved(kind: string | undefined): number;
  /** Slots the class holds now. */
  running(kind: string | undefined): number;
}

/** Slots a class with `share` (a fraction) is guaranteed in a pool of `size`: at least one. */
export function reservedSlots(share: number, size: number): number {
  return Math.max(1, Math.floor(share * size));
}

/** Slots each waiting class is still owed by its guarantee. */
export function owedSlots(
  waiting: Iterable<string | undefined>,
  book: ShareBook,
): Map<string, number> {
  const owed = new Map<string, number>();
  for (const kind of waiting) {
    if (kind === undefined || owed.has(kind)) continue;
    owed.set(kind, Math.max(0, book.reserved(kind) - book.running(kind)));
  }
  return owed;
}

/**
 * Whether a call of `kind` may take one of `free` slots: yes under its guarantee; over
 * it, only when more slots are free than the other waiting classes are owed (`owed`,
 * from {@link owedSlots}).
 */
export function mayTakeSlot(
  kind: string | undefined,
  free: number,
  owed: ReadonlyMap<string, number>,
  book: ShareBook,
): boolean {
  if (free <= 0) return false;
  if (book.running(kind) < book.reserved(kind)) return true;
  let owedToOthers = 0;
  for (const [other, slots] of owed) if (other !== kind) owedToOthers += slots;
  return free > owedToOthers;
}
