import { describe, expect, it } from 'vitest';
import { mayTakeSlot, owedSlots, reservedSlots, type ShareBook } from './slot-shares';

/** A pool of 16 with build guaranteed 4 and git 2, and what each runs now. */
function book(running: Record<string, number>): ShareBook {
  const reserved: Record<string, number> = { build: 4, git: 2 };
  return {
    reserved: (kind) => (kind === undefined ? 0 : (reserved[kind] ?? 0)),
    running: (kind) => (kind === undefined ? 0 : (running[kind] ?? 0)),
  };
}

describe('guarantee and borrow', () => {
  it('guarantees a share of the slots, at least one', () => {
    expect(reservedSlots(4 / 16, 16)).toBe(4);
    expect(reservedSlots(1 / 32, 16)).toBe(1);
    expect(reservedSlots(0, 16)).toBe(1);
  });

  it('lets a class borrow every free slot while no other class waits', () => {
    const now = book({ build: 15 });
    expect(mayTakeSlot('build', 1, owedSlots(['build'], now), now)).toBe(true);
  });

  it('keeps for a waiting class the slots it is owed, and lends the rest', () => {
    const now = book({ build: 10 });
    const owed = owedSlots(['build', 'git', 'git'], now);
    expect(owed).toEqual(
      new Map([
        ['build', 0],
        ['git', 2],
      ]),
    );
    expect(mayTakeSlot('build', 2, owed, now)).toBe(false);
    expect(mayTakeSlot('build', 3, owed, now)).toBe(true);
    expect(mayTakeSlot('git', 1, owed, now)).toBe(true);
  });

  it('lets a class under its guarantee take any free slot, and none when the pool is full', () => {
    const now = book({ build: 1 });
    const owed = owedSlots(['git', 'git'], now);
    expect(mayTakeSlot('build', 1, owed, now)).toBe(true);
    expect(mayTakeSlot('build', 0, owed, now)).toBe(false);
  });
});
