import { TOOL_FAMILIES, type ResourceMatrix, type ToolFamily } from '@fanout/contracts';

/**
 * Each family's pools as a multiple of what its workers derived from the matrix (1: as
 * derived). The rules move factors within {@link FACTOR_BOUNDS}: ±50% of the share.
 */
export type Factors = Record<ToolFamily, number>;

export const FACTOR_BOUNDS = { min: 0.5, max: 1.5 } as const;

/** What the monitor measured of one family over the last window. */
export interface FamilyLoad {
  /** Tasks waiting on its tools' queues. */
  waiting: number;
  /** Slots of its live instances, and how many are busy. */
  slots: number;
  busy: number;
  /** Calls ended in the window, and how they went. */
  calls?: number;
  p95Ms?: number;
  /** The p95 when things are well: the lowest seen. */
  baselineP95Ms?: number;
  throttled?: number;
  timeouts?: number;
  /** Storage and network bytes per second its live instances moved. */
  ioBytesPerSec?: number;
  networkBytesPerSec?: number;
}

/** One change of a family's factor, and why. */
export interface AllocationDecision {
  rule: 'rebalance' | 'aimd-cut' | 'aimd-grow' | 'memory-pressure' | 'over-share';
  family: ToolFamily;
  from: number;
  to: number;
  reason: string;
}

const clamp = (value: number) =>
  Math.round(Math.min(FACTOR_BOUNDS.max, Math.max(FACTOR_BOUNDS.min, value)) * 100) / 100;

const change = (
  factors: Factors,
  family: ToolFamily,
  to: number,
  rule: AllocationDecision['rule'],
  reason: string,
): AllocationDecision[] => {
  const from = factors[family];
  const bounded = clamp(to);
  return bounded === from ? [] : [{ rule, family, from, to: bounded, reason }];
};

/** A queue deeper than the family's pools: every slot busy and as many again waiting. */
const deep = (load: FamilyLoad) => load.slots > 0 && load.waiting >= load.slots;
/** Nothing waits and under a quarter of the slots are busy. */
const idle = (load: FamilyLoad) =>
  load.slots > 0 && load.waiting === 0 && load.busy < load.slots / 4;

/**
 * Deep queue vs idle: a family whose queue is deeper than its pools gets a quarter more of
 * the host while another family idles, which gives a quarter back — never beyond ±50% of
 * either's share. Nothing moves when nobody idles: the host has no spare room to give.
 */
export function rebalance(
  factors: Factors,
  loads: Partial<Record<ToolFamily, FamilyLoad>>,
): AllocationDecision[] {
  const measured = TOOL_FAMILIES.flatMap((family) => {
    const load = loads[family];
    return load ? [{ family, load }] : [];
  });
  const deepOnes = measured.filter(({ load }) => deep(load));
  const idleOnes = measured.filter(({ load }) => idle(load));
  if (deepOnes.length === 0 || idleOnes.length === 0) return [];
  const idlers = idleOnes.map(({ family }) => family).join(', ');
  const queuers = deepOnes.map(({ family }) => family).join(', ');
  return [
    ...deepOnes.flatMap(({ family, load }) =>
      change(
        factors,
        family,
        factors[family] + 0.25,
        'rebalance',
        `${load.waiting} tasks wait for ${load.slots} slots while ${idlers} idle`,
      ),
    ),
    ...idleOnes.flatMap(({ family, load }) =>
      change(
        factors,
        family,
        factors[family] - 0.25,
        'rebalance',
        `idle (${load.busy}/${load.slots} busy, none waiting) while ${queuers} queue`,
      ),
    ),
  ];
}

/**
 * AIMD: a family whose calls slow down (p95 over twice its baseline) or fail for being
 * too many (429s, timeouts: over 5% of its calls) is halved at once; once its calls are
 * well again it grows back a tenth per window, to where it was.
 */
export function aimd(
  factors: Factors,
  loads: Partial<Record<ToolFamily, FamilyLoad>>,
): AllocationDecision[] {
  return TOOL_FAMILIES.flatMap((family) => {
    const load = loads[family];
    if (!load?.calls) return [];
    const failures = (load.throttled ?? 0) + (load.timeouts ?? 0);
    const { p95Ms = 0, baselineP95Ms = Infinity } = load;
    const slow = p95Ms > 2 * baselineP95Ms;
    if (failures > load.calls * 0.05 || slow) {
      const why = slow
        ? `p95 ${Math.round(p95Ms)} ms, over twice its ${Math.round(baselineP95Ms)} ms`
        : `${failures} of ${load.calls} calls throttled or timed out`;
      return change(factors, family, factors[family] / 2, 'aimd-cut', why);
    }
    if (factors[family] >= 1) return [];
    return change(
      factors,
      family,
      Math.min(1, factors[family] + 0.1),
      'aimd-grow',
      `calls well again (${load.calls} in the window)`,
    );
  });
}

/**
 * Memory pressure: a host with under 10% of its memory free shrinks first the family with
 * the largest memory share (a quarter at a time), then, once it is at its floor, the
 * next largest.
 */
export function relieveMemory(
  factors: Factors,
  matrix: Readonly<ResourceMatrix>,
  freeFraction: number,
): AllocationDecision[] {
  if (freeFraction >= 0.1) return [];
  const byShare = [...TOOL_FAMILIES].sort((a, b) => matrix[b].memory - matrix[a].memory);
  const family = byShare.find((f) => factors[f] > FACTOR_BOUNDS.min);
  if (!family) return [];
  const reason = `${Math.round(freeFraction * 100)}% of the host's memory free; ${family} has the largest memory share (${matrix[family].memory}%)`;
  return change(factors, family, factors[family] * 0.75, 'memory-pressure', reason);
}

/** Families' byte columns of the matrix, and where their measured use is. */
const BYTE_COLUMNS = [
  { column: 'io', figure: 'ioBytesPerSec', what: 'storage' },
  { column: 'network', figure: 'networkBytesPerSec', what: 'network' },
] as const;

/**
 * The io and network columns: a family moving over twice its share of the bytes all
 * families moved (of storage or of network) while another family's queue is deeper than
 * its pools gives back a quarter, so the family that queues gets the host's bandwidth its
 * share promises. Nothing moves with one family alone moving bytes, or with nobody queueing.
 */
export function overShare(
  factors: Factors,
  matrix: Readonly<ResourceMatrix>,
  loads: Partial<Record<ToolFamily, FamilyLoad>>,
): AllocationDecision[] {
  const queuers = TOOL_FAMILIES.filter((family) => {
    const load = loads[family];
    return load !== undefined && deep(load);
  });
  if (queuers.length === 0) return [];
  return BYTE_COLUMNS.flatMap(({ column, figure, what }) => {
    const moved = TOOL_FAMILIES.flatMap((family) => {
      const bytes = loads[family]?.[figure] ?? 0;
      return bytes > 0 ? [{ family, bytes }] : [];
    });
    const total = moved.reduce((sum, { bytes }) => sum + bytes, 0);
    if (moved.length < 2) return [];
    return moved.flatMap(({ family, bytes }) => {
      const used = (bytes / total) * 100;
      const share = matrix[family][column];
      const waiting = queuers.filter((other) => other !== family);
      if (used <= 2 * share || waiting.length === 0) return [];
      const reason = `moved ${Math.round(used)}% of the ${what} bytes, over twice its ${share}% share, while ${waiting.join(', ')} ${waiting.length === 1 ? 'queues' : 'queue'}`;
      return change(factors, family, factors[family] * 0.75, 'over-share', reason);
    });
  });
}

/**
 * One window's decisions, in order of urgency: memory pressure, then AIMD, then a
 * family over its io or network share, then rebalancing; a family changed by an earlier rule is left alone by the later ones.
 */
export function decideAllocation(
  factors: Factors,
  matrix: Readonly<ResourceMatrix>,
  loads: Partial<Record<ToolFamily, FamilyLoad>>,
  freeMemoryFraction: number,
): { factors: Factors; decisions: AllocationDecision[] } {
  const next = { ...factors };
  const decisions: AllocationDecision[] = [];
  const touched = new Set<ToolFamily>();
  const apply = (found: AllocationDecision[]) => {
    for (const decision of found) {
      if (touched.has(decision.family)) continue;
      touched.add(decision.family);
      next[decision.family] = decision.to;
      decisions.push(decision);
    }
  };
  apply(relieveMemory(next, matrix, freeMemoryFraction));
  apply(aimd(next, loads));
  apply(overShare(next, matrix, loads));
  apply(rebalance(next, loads));
  return { factors: next, decisions };
}

/** Every family as derived. */
export function initialFactors(): Factors {
  return Object.fromEntries(TOOL_FAMILIES.map((family) => [family, 1])) as Factors;
}
