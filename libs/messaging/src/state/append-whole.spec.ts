import { describe, expect, it } from 'vitest';
import { appendWhole } from './workflow-log';

/**
 * A stream that stores what it is given, and refuses the publishes `refuse` names for as
 * long as `refuse` says: a batch cut in the middle, as a leader change cuts one.
 */
function stream(refuse: (index: number, attempt: number) => boolean) {
  const stored: number[] = [];
  const attempts = new Map<number, number>();
  let seq = 0;
  const publish = async (index: number) => {
    const attempt = (attempts.get(index) ?? 0) + 1;
    attempts.set(index, attempt);
    if (refuse(index, attempt)) throw new Error(`publish of ${index} timed out`);
    if (!stored.includes(index)) stored.push(index); // a repeated id is stored once
    return ++seq;
  };
  return { publish, stored, attempts };
}

describe('appendWhole', () => {
  it('publishes a whole batch at once and resolves with the highest sequence', async () => {
    const s = stream(() => false);
    expect(await appendWhole(3, s.publish)).toBe(3);
    expect(s.stored).toEqual([0, 1, 2]);
  });

  it('given a batch cut in the middle (the second lost, the third stored), publishes what is missing again: no gap', async () => {
    const s = stream((index, attempt) => index === 1 && attempt === 1);
    await appendWhole(3, s.publish, 5_000);
    expect(s.stored.sort()).toEqual([0, 1, 2]);
    expect(s.attempts.get(2)).toBe(1); // what arrived is not sent again
  });

  it('repairs in order: nothing after a still-missing event is sent again before it', async () => {
    const s = stream(
      (index, attempt) => (index === 1 && attempt <= 2) || (index === 2 && attempt === 1),
    );
    await appendWhole(3, s.publish, 5_000);
    expect(s.stored.sort()).toEqual([0, 1, 2]);
    // Round one: 1 refused again, so 2 was not tried; round two: 1, then 2.
    expect(s.attempts.get(2)).toBe(2);
  });

  it('fails with the last refusal once the repair time is over', async () => {
    const s = stream((index) => index === 0);
    await expect(appendWhole(2, s.publish, 300)).rejects.toThrow('publish of 0 timed out');
  });
});
