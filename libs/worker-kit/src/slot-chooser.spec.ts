import { describe, expect, it } from 'vitest';
import { SlotChooser, type WaitingCall } from './slot-chooser';

const BASH = { build: 4 / 16, git: 2 / 16, network: 1 / 16 };
const SEARCH = {
  'primary-research': 8 / 32,
  'technical-documentation': 6 / 32,
  'code-examples': 4 / 32,
  'api-documentation': 4 / 32,
  'framework-specific': 4 / 32,
  performance: 3 / 32,
  security: 2 / 32,
  community: 1 / 32,
};

const calls = (count: number, call: Partial<WaitingCall> = {}): WaitingCall[] =>
  Array.from({ length: count }, () => ({ workflowId: 'w', weight: 1, ...call }));

/**
 * Starts calls from one level's buffer while the chooser lets it, the way the consumer
 * does; `endEach` ends every call as it starts (a pool that never fills). Returns the
 * calls in the order they started.
 */
function startWhileAllowed(
  chooser: SlotChooser,
  buffer: WaitingCall[],
  size: number,
  options: { busy?: number; limit?: number; endEach?: boolean } = {},
): WaitingCall[] {
  const started: WaitingCall[] = [];
  let busy = options.busy ?? 0;
  while (started.length < (options.limit ?? Infinity)) {
    const index = chooser.choose(0, [buffer], { size, busy });
    if (index === undefined) break;
    const [call] = buffer.splice(index, 1);
    chooser.started(call!);
    started.push(call!);
    if (options.endEach) chooser.ended(call!);
    else busy++;
  }
  return started;
}

const count = (started: WaitingCall[], key: 'kind' | 'workflowId') =>
  started.reduce<Record<string, number>>((counts, call) => {
    const name = String(call[key]);
    counts[name] = (counts[name] ?? 0) + 1;
    return counts;
  }, {});

describe('reservations, not ceilings', () => {
  it('given only builds waiting, when slots free, then builds take the whole pool', () => {
    const chooser = new SlotChooser(BASH);
    const started = startWhileAllowed(chooser, calls(40, { kind: 'build' }), 16);
    expect(started).toHaveLength(16);
  });

  it('given builds and git waiting, then builds leave git its reserved slots', () => {
    const chooser = new SlotChooser(BASH);
    const buffer = [...calls(30, { kind: 'build' }), ...calls(3, { kind: 'git' })];
    const started = startWhileAllowed(chooser, buffer, 16);
    expect(count(started, 'kind')).toEqual({ build: 14, git: 2 });
  });

  it('given a pool full of builds, when git arrives and a build ends, then git takes the slot', () => {
    const chooser = new SlotChooser(BASH);
    const builds = startWhileAllowed(chooser, calls(40, { kind: 'build' }), 16);
    const buffer = [...calls(10, { kind: 'build' }), ...calls(1, { kind: 'git' })];
    expect(chooser.choose(0, [buffer], { size: 16, busy: 16 })).toBeUndefined();
    chooser.ended(builds[0]!);
    expect(startWhileAllowed(chooser, buffer, 16, { busy: 15 }).map((c) => c.kind)).toEqual([
      'git',
    ]);
  });

  it('sees what waits at other priorities: a p2 git keeps a p4 build out of its slot', () => {
    const chooser = new SlotChooser(BASH);
    startWhileAllowed(chooser, calls(15, { kind: 'build' }), 16);
    const p2 = calls(1, { kind: 'git' });
    const p4 = calls(5, { kind: 'build' });
    expect(chooser.choose(4, [[], [], p2, [], p4], { size: 16, busy: 15 })).toBeUndefined();
    expect(chooser.choose(2, [[], [], p2, [], p4], { size: 16, busy: 15 })).toBe(0);
  });

  it('given every search category contending for a pool of 32, then each gets its share', () => {
    const chooser = new SlotChooser(SEARCH);
    const buffer = Object.keys(SEARCH).flatMap((kind) => calls(40, { kind }));
    const started = startWhileAllowed(chooser, buffer, 32);
    expect(count(started, 'kind')).toEqual({
      'primary-research': 8,
      'technical-documentation': 6,
      'code-examples': 4,
      'api-documentation': 4,
      'framework-specific': 4,
      performance: 3,
      security: 2,
      community: 1,
    });
  });

  it('given one search category alone, then it uses all 32', () => {
    const chooser = new SlotChooser(SEARCH);
    const started = startWhileAllowed(chooser, calls(50, { kind: 'community' }), 32);
    expect(started).toHaveLength(32);
  });
});

describe('weighted fair share between workflows', () => {
  it('given A of weight 1 queued ahead of B of weight 3, then B starts three calls for each of A', () => {
    const chooser = new SlotChooser();
    const buffer = [
      ...calls(100, { workflowId: 'A', weight: 1 }),
      ...calls(100, { workflowId: 'B', weight: 3 }),
    ];
    const started = startWhileAllowed(chooser, buffer, 4, { limit: 80, endEach: true });
    expect(count(started, 'workflowId')).toEqual({ A: 20, B: 60 });
  });

  it('given equal weights, then starts alternate whatever the queue order', () => {
    const chooser = new SlotChooser();
    const buffer = [...calls(50, { workflowId: 'A' }), ...calls(50, { workflowId: 'B' })];
    const started = startWhileAllowed(chooser, buffer, 4, { limit: 10, endEach: true });
    expect(started.map((c) => c.workflowId).join('')).toBe('ABABABABAB');
  });

  it('given A has started 500 calls alone, when B arrives, then B goes next and A is not locked out after', () => {
    const chooser = new SlotChooser();
    startWhileAllowed(chooser, calls(500, { workflowId: 'A' }), 4, { endEach: true });
    const buffer = [...calls(10, { workflowId: 'A' }), ...calls(10, { workflowId: 'B' })];
    const started = startWhileAllowed(chooser, buffer, 4, { limit: 6, endEach: true });
    expect(started.map((c) => c.workflowId).join('')).toBe('BABABA');
  });

  it('keeps the reservations first: an owed class starts even from the heavier workflow behind', () => {
    const chooser = new SlotChooser(BASH);
    const buffer = [
      ...calls(20, { workflowId: 'A', weight: 5, kind: 'build' }),
      ...calls(1, { workflowId: 'B', weight: 1, kind: 'git' }),
    ];
    const started = startWhileAllowed(chooser, buffer, 4);
    expect(started.map((c) => c.kind)).toContain('git');
  });
});

describe('choosing among buffered messages', () => {
  it('with shares, chooses among messages read through the accessor as it would among the calls', () => {
    const chooser = new SlotChooser(BASH);
    const messages = [
      ...calls(30, { workflowId: 'A', kind: 'build' }),
      ...calls(3, { workflowId: 'B', kind: 'git' }),
    ].map((call, seq) => ({ seq, call }));
    const other = [{ seq: 99, call: { workflowId: 'C', weight: 1, kind: 'network' } }];
    const callOf = (message: { call: WaitingCall }) => message.call;
    const plain = new SlotChooser(BASH);
    for (let busy = 0; busy < 8; busy++) {
      const pool = { size: 16, busy };
      const index = chooser.choose(0, [messages, other], pool, callOf);
      const expected = plain.choose(
        0,
        [messages.map((m) => m.call), other.map((m) => m.call)],
        pool,
      );
      expect(index).toBe(expected);
      const [taken] = messages.splice(index as number, 1);
      chooser.started(taken!.call);
      plain.started(taken!.call);
    }
  });

  it('without shares, looks at no other level and stops at a call that no other can go before', () => {
    const chooser = new SlotChooser();
    const level = calls(500, { workflowId: 'A' });
    let reads = 0;
    const callOf = (call: WaitingCall) => {
      reads++;
      return call;
    };
    expect(chooser.choose(0, [level, calls(500)], { size: 4, busy: 0 }, callOf)).toBe(0);
    expect(reads).toBe(1);
  });
});
