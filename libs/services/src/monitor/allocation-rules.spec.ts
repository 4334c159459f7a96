import { DEFAULT_MATRIX } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import {
  aimd,
  decideAllocation,
  initialFactors,
  overShare,
  rebalance,
  relieveMemory,
  type Factors,
} from './allocation-rules';

const even = initialFactors();
const busy = { waiting: 200, slots: 48, busy: 48 };
const quiet = { waiting: 0, slots: 32, busy: 2 };

describe('rebalancing: a deep queue while another family idles', () => {
  it('gives the queueing family a quarter more and takes a quarter from the idle one', () => {
    expect(rebalance(even, { codebase: busy, web: quiet })).toEqual([
      expect.objectContaining({ rule: 'rebalance', family: 'codebase', from: 1, to: 1.25 }),
      expect.objectContaining({ rule: 'rebalance', family: 'web', from: 1, to: 0.75 }),
    ]);
  });

  it('stays within ±50% of the share', () => {
    const far: Factors = { ...even, codebase: 1.5, web: 0.5 };
    expect(rebalance(far, { codebase: busy, web: quiet })).toEqual([]);
  });

  it('moves nothing when nobody idles, or nobody queues', () => {
    expect(rebalance(even, { codebase: busy, web: { ...quiet, busy: 30 } })).toEqual([]);
    expect(rebalance(even, { codebase: { ...busy, waiting: 10 }, web: quiet })).toEqual([]);
  });
});

describe('AIMD on slow or refused calls', () => {
  const calls = { waiting: 0, slots: 32, busy: 10, calls: 100, baselineP95Ms: 200 };

  it('halves a family whose p95 doubled, or whose calls are throttled or time out', () => {
    expect(aimd(even, { web: { ...calls, p95Ms: 450 } })).toEqual([
      expect.objectContaining({ rule: 'aimd-cut', family: 'web', to: 0.5 }),
    ]);
    expect(aimd(even, { web: { ...calls, p95Ms: 200, throttled: 4, timeouts: 3 } })).toEqual([
      expect.objectContaining({ rule: 'aimd-cut', family: 'web', to: 0.5 }),
    ]);
  });

  it('grows back a tenth per window once its calls are well, up to its share', () => {
    const cut: Factors = { ...even, web: 0.5 };
    expect(aimd(cut, { web: { ...calls, p95Ms: 210 } })).toEqual([
      expect.objectContaining({ rule: 'aimd-grow', family: 'web', from: 0.5, to: 0.6 }),
    ]);
    expect(aimd({ ...even, web: 0.95 }, { web: { ...calls, p95Ms: 210 } })[0]?.to).toBe(1);
    expect(aimd(even, { web: { ...calls, p95Ms: 210 } })).toEqual([]);
  });

  it('leaves a family with no calls in the window alone', () => {
    expect(aimd({ ...even, web: 0.5 }, { web: { ...calls, calls: 0 } })).toEqual([]);
  });
});

describe('memory pressure', () => {
  it('shrinks the family with the largest memory share first, then the next', () => {
    expect(relieveMemory(even, DEFAULT_MATRIX, 0.05)).toEqual([
      expect.objectContaining({ rule: 'memory-pressure', family: 'codebase', to: 0.75 }),
    ]);
    expect(relieveMemory({ ...even, codebase: 0.5 }, DEFAULT_MATRIX, 0.05)).toEqual([
      expect.objectContaining({ family: 'web', to: 0.75 }),
    ]);
  });

  it('does nothing while a tenth of the memory is free', () => {
    expect(relieveMemory(even, DEFAULT_MATRIX, 0.1)).toEqual([]);
  });
});

describe('one window of decisions', () => {
  it('applies the most urgent rule to a family and leaves it to the others for the rest', () => {
    const { factors, decisions } = decideAllocation(
      even,
      DEFAULT_MATRIX,
      { codebase: busy, web: quiet },
      0.05,
    );
    expect(decisions.map((d) => `${d.rule} ${d.family}`)).toEqual([
      'memory-pressure codebase',
      'rebalance web',
    ]);
    expect(factors).toEqual({ ...even, codebase: 0.75, web: 0.75 });
    expect(decisions.every((d) => d.reason.length > 0)).toBe(true);
  });
});

describe('the io and network columns: a family over its share of the bytes', () => {
  const queueing = { waiting: 100, slots: 16, busy: 16 };

  it('cuts bash by a quarter when it moves most of the network bytes while web queues', () => {
    const loads = {
      bash: { waiting: 0, slots: 16, busy: 8, networkBytesPerSec: 9_000_000 },
      web: { ...queueing, networkBytesPerSec: 1_000_000 },
    };
    expect(overShare(even, DEFAULT_MATRIX, loads)).toEqual([
      expect.objectContaining({
        rule: 'over-share',
        family: 'bash',
        from: 1,
        to: 0.75,
        reason: 'moved 90% of the network bytes, over twice its 20% share, while web queues',
      }),
    ]);
  });

  it('cuts web when it does most of the storage I/O while codebase queues', () => {
    const loads = {
      web: { waiting: 0, slots: 36, busy: 4, ioBytesPerSec: 800 },
      codebase: { ...queueing, ioBytesPerSec: 200 },
    };
    expect(overShare(even, DEFAULT_MATRIX, loads)).toEqual([
      expect.objectContaining({ rule: 'over-share', family: 'web', to: 0.75 }),
    ]);
  });

  it('moves nothing within twice the share, with one family alone, or with nobody queueing', () => {
    const within = {
      codebase: { ...queueing, ioBytesPerSec: 700 },
      bash: { waiting: 0, slots: 16, busy: 1, ioBytesPerSec: 300 },
    };
    expect(overShare(even, DEFAULT_MATRIX, within)).toEqual([]);
    const alone = { bash: { ...queueing, networkBytesPerSec: 5_000 } };
    expect(overShare(even, DEFAULT_MATRIX, alone)).toEqual([]);
    const calm = {
      bash: { waiting: 0, slots: 16, busy: 8, networkBytesPerSec: 9_000 },
      web: { waiting: 0, slots: 36, busy: 2, networkBytesPerSec: 1_000 },
    };
    expect(overShare(even, DEFAULT_MATRIX, calm)).toEqual([]);
  });

  it('is part of the window decision, after AIMD and before rebalancing', () => {
    const loads = {
      bash: { waiting: 0, slots: 16, busy: 8, networkBytesPerSec: 9_000_000 },
      web: { ...queueing, networkBytesPerSec: 1_000_000 },
    };
    const { factors, decisions } = decideAllocation(even, DEFAULT_MATRIX, loads, 0.5);
    expect(factors.bash).toBe(0.75);
    expect(decisions.map((d) => d.rule)).toEqual(['over-share']);
  });
});
