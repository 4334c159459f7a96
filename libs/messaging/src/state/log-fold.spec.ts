import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldLog, LiveLogOrder, logMessageId, logPlace, type LogStart } from './log-fold';

/** A stored event: `value` names who wrote it where, e.g. `e2@5` (epoch 2, position 5). */
interface Stored {
  seq: number;
  position?: number;
  epoch?: number;
  value: string;
}

/** Stores `[position, epoch]` pairs in the order given, as a stream would. */
function stream(...placed: [position: number, epoch: number][]): Stored[] {
  return placed.map(([position, epoch], i) => ({
    seq: i + 1,
    position,
    epoch,
    value: `e${epoch}@${position}`,
  }));
}
const values = (stored: Stored[], start?: LogStart) =>
  foldLog(stored, start).entries.map((item) => item.value);

describe('the place of a logged event', () => {
  it('reads position and epoch from `<workflowId>:<position>:<epoch>`', () => {
    expect(logPlace('wf-1', logMessageId('wf-1', 12, 7))).toEqual({ position: 12, epoch: 7 });
  });

  it('given an id written before epochs (`<workflowId>:<position>`), takes epoch 0', () => {
    expect(logPlace('wf-1', 'wf-1:12')).toEqual({ position: 12, epoch: 0 });
  });

  it('reads ids of its own workflow only, and no malformed one', () => {
    expect(logPlace('wf-1', 'wf-12:3:1')).toBeUndefined();
    for (const id of ['wf-1:x', 'wf-1:1:x', 'wf-1:-1:2', 'wf-1:1:2:3', 'wf-1:', undefined])
      expect(logPlace('wf-1', id), String(id)).toBeUndefined();
  });
});

describe('a log folded from its stored events', () => {
  it('given one owner’s batch stored out of order, when folded, then it is in position order', () => {
    expect(values(stream([0, 1], [2, 1], [1, 1]))).toEqual(['e1@0', 'e1@1', 'e1@2']);
  });

  it('given a gap (position 1 missing), when folded, then the log stops at the gap', () => {
    const folded = foldLog(stream([0, 1], [2, 1], [3, 1]));
    expect(folded.entries.map((item) => item.value)).toEqual(['e1@0']);
    expect(folded.leftOut).toBe(2);
  });

  it('given an owner that died with a gap, when the next owner writes at the gap, then its events replace what lay beyond it', () => {
    // Owner 1 stored 0 and 2 (1 was lost); owner 5 replayed [0] and wrote 1 and 2.
    expect(values(stream([0, 1], [2, 1], [1, 5], [2, 5]))).toEqual(['e1@0', 'e5@1', 'e5@2']);
  });

  it('given a stale owner’s event stored after a later owner’s, when folded, then it is left out', () => {
    // Owner 1's lost event 1 lands late, after owner 5 has written at 1 and 2.
    expect(values(stream([0, 1], [1, 5], [2, 5], [1, 1], [3, 1]))).toEqual([
      'e1@0',
      'e5@1',
      'e5@2',
    ]);
  });

  it('given a later owner writing below the end, when folded, then older events from there on go', () => {
    expect(values(stream([0, 1], [1, 1], [2, 1], [1, 3]))).toEqual(['e1@0', 'e3@1']);
  });

  it('given a later owner’s batch stored out of order over older events, when folded, then all of the batch is kept', () => {
    // Owner 3 replayed [0] (1 and 2 of owner 1 arrived after) and wrote 1 and 2; 2 came first.
    expect(values(stream([0, 1], [1, 1], [2, 1], [2, 3], [1, 3]))).toEqual([
      'e1@0',
      'e3@1',
      'e3@2',
    ]);
  });

  it('given the same position and epoch twice, when folded, then the first stays', () => {
    const stored = stream([0, 1], [1, 1], [1, 1]);
    stored[2]!.value = 'repeat';
    expect(values(stored)).toEqual(['e1@0', 'e1@1']);
  });

  it('given a log written before epochs (all epoch 0), when a new owner writes, then it takes over from its position', () => {
    expect(values(stream([0, 0], [1, 0], [2, 0], [2, 9]))).toEqual(['e0@0', 'e0@1', 'e9@2']);
  });

  it('given events without a position, when folded, then they are taken as stored', () => {
    const plain = [
      { seq: 2, value: 'a' },
      { seq: 1, value: 'b' },
    ];
    expect(values(plain)).toEqual(['a', 'b']);
  });

  it('given a snapshot of 2 by epoch 4, when the rest is folded from it, then stale events after it are left out', () => {
    const after = stream([2, 4], [2, 1], [3, 1], [3, 4]);
    expect(values(after, { length: 2, epoch: 4 })).toEqual(['e4@2', 'e4@3']);
  });

  it('given an event of a later epoch below the snapshot, when folded from it, then the fold says the snapshot is not part of the log', () => {
    const folded = foldLog(stream([1, 6]), { length: 2, epoch: 4 });
    expect(folded.belowStart).toBe(true);
    expect(foldLog(stream([1, 4]), { length: 2, epoch: 4 }).belowStart).toBe(false);
  });
});

describe('the log’s order for a live reader', () => {
  const live = (stored: Stored[]) => {
    const order = new LiveLogOrder<Stored>();
    return stored.flatMap((item) => order.push(item)).map((item) => item.value);
  };

  it('given a decision stored one type after another, when read live, then it comes in position order', () => {
    // Results at 1 and 3 stored before dispatches at 0 and 2; then the next decision.
    expect(live(stream([1, 1], [3, 1], [0, 1], [2, 1], [4, 1]))).toEqual([
      'e1@0',
      'e1@1',
      'e1@2',
      'e1@3',
      'e1@4',
    ]);
  });

  it('given a stale owner’s late write, when read live, then it is left out; what lay beyond a gap goes when the next owner writes', () => {
    // Owner 1 stored 0 and 2 (1 lost); owner 4 wrote 1 and 2; owner 1's 1 lands late.
    expect(live(stream([0, 1], [2, 1], [1, 4], [2, 4], [1, 1]))).toEqual(['e1@0', 'e4@1', 'e4@2']);
  });

  it('given events without a position, when read live, then they pass at once', () => {
    expect(live([{ seq: 1, value: 'a' }, ...stream([1, 1]), { seq: 3, value: 'b' }])).toEqual([
      'a',
      'b',
    ]);
  });
});

/**
 * A history of ownerships as the orchestrator makes them: each owner replays the stream
 * (the fold), then writes batches after what it replayed, each batch stored in any order;
 * an owner's last batch may be cut (some events stored, the others held back), and the owner
 * dies. Held-back events land later: before a later owner's replay, or after it wrote.
 */
const ownership = fc.record({
  epochStep: fc.integer({ min: 1, max: 3 }),
  batches: fc.array(fc.record({ size: fc.integer({ min: 1, max: 4 }), seed: fc.nat() }), {
    minLength: 1,
    maxLength: 3,
  }),
  cut: fc.boolean(),
  kept: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
  landEarly: fc.array(fc.boolean(), { maxLength: 12 }),
  landLate: fc.array(fc.boolean(), { maxLength: 12 }),
});

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('a fold over random histories of ownerships', () => {
  it('is what every owner saw plus what it wrote, and a snapshot taken between batches folds the same rest', () => {
    fc.assert(
      fc.property(fc.array(ownership, { minLength: 1, maxLength: 5 }), (owners) => {
        const stored: Stored[] = [];
        let held: Omit<Stored, 'seq'>[] = [];
        const store = (event: Omit<Stored, 'seq'>) =>
          stored.push({ ...event, seq: stored.length + 1 });
        /** Lands the held-back events `chosen` picks, in the order they were held. */
        const land = (chosen: boolean[]) => {
          const landing = held.filter((_, i) => chosen[i]);
          held = held.filter((_, i) => !chosen[i]);
          landing.forEach(store);
        };
        const snapshots: { start: LogStart; at: number }[] = [];
        let epoch = 0;
        let view: string[] = [];
        for (const owner of owners) {
          epoch += owner.epochStep;
          land(owner.landEarly);
          view = values(stored);
          let wrote = false;
          for (const [b, batch] of owner.batches.entries()) {
            const events = Array.from({ length: batch.size }, (_, i) => {
              const position = view.length + i;
              return { position, epoch, value: `e${epoch}@${position}` };
            });
            const order = shuffled(events, batch.seed);
            if (owner.cut && b === owner.batches.length - 1) {
              order.filter((_, i) => owner.kept[i]).forEach(store);
              held.push(...order.filter((_, i) => !owner.kept[i]));
              wrote ||= order.some((_, i) => owner.kept[i]);
              expect(values(stored).slice(0, view.length)).toEqual(view);
              break;
            }
            order.forEach(store);
            wrote = true;
            view = [...view, ...events.map((event) => event.value)];
            expect(values(stored)).toEqual(view);
            snapshots.push({ start: { length: view.length, epoch }, at: stored.length });
          }
          // Once this owner's first event is in, whatever older owners still hold is fenced.
          if (wrote) {
            const before = values(stored);
            land(owner.landLate.map((chosen, i) => chosen && (held[i]?.epoch ?? epoch) < epoch));
            expect(values(stored)).toEqual(before);
          }
        }
        const whole = values(stored);
        // A live reader loses nothing of the log: each of its events is passed on.
        const order = new LiveLogOrder<Stored>();
        const live = stored.flatMap((item) => order.push(item)).map((item) => item.value);
        for (const value of whole) expect(live).toContain(value);
        // With no batch cut, it passes on exactly the log, in order.
        if (!owners.some((owner) => owner.cut)) expect(live).toEqual(whole);
        for (const { start, at } of snapshots) {
          const rest = foldLog(stored.slice(at), start);
          expect(rest.belowStart).toBe(false);
          expect(rest.entries.map((item) => item.value)).toEqual(whole.slice(start.length));
        }
      }),
      { numRuns: 500 },
    );
  });
});
