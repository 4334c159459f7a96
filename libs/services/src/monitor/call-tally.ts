import { familyOf, type LoadSnapshot, type ToolFamily } from '@fanout/contracts';
import type { FamilyLoad } from './allocation-rules';

type CallFigures = Required<Pick<FamilyLoad, 'calls' | 'p95Ms' | 'throttled' | 'timeouts'>>;

/** Windows with fewer calls than this say too little to set a family's baseline p95. */
const BASELINE_MIN_CALLS = 10;

/**
 * The calls of each family since the last allocation window, summed over the snapshots
 * of its instances (the p95 is the worst instance's: a slow replica is what AIMD reacts
 * to), and each family's baseline p95: the lowest of its windows with enough calls.
 */
export class CallTally {
  private window = new Map<ToolFamily, CallFigures>();
  private readonly baselines = new Map<ToolFamily, number>();

  add(snapshot: Pick<LoadSnapshot, 'calls'>): void {
    for (const tool of snapshot.calls ?? []) {
      if (tool.calls === 0) continue;
      const family = familyOf(tool.tool);
      const sum = this.window.get(family) ?? { calls: 0, p95Ms: 0, throttled: 0, timeouts: 0 };
      sum.calls += tool.calls;
      sum.p95Ms = Math.max(sum.p95Ms, tool.p95Ms);
      sum.throttled += tool.throttled;
      sum.timeouts += tool.timeouts;
      this.window.set(family, sum);
    }
  }

  /** Each family's figures for the window that ends now, baseline included; a new one begins. */
  close(): Partial<Record<ToolFamily, CallFigures & { baselineP95Ms?: number }>> {
    const closed: Partial<Record<ToolFamily, CallFigures & { baselineP95Ms?: number }>> = {};
    for (const [family, figures] of this.window) {
      const healthy = figures.throttled + figures.timeouts === 0;
      if (healthy && figures.calls >= BASELINE_MIN_CALLS) {
        const baseline = this.baselines.get(family);
        if (baseline === undefined || figures.p95Ms < baseline) {
          this.baselines.set(family, figures.p95Ms);
        }
      }
      const baselineP95Ms = this.baselines.get(family);
      closed[family] = { ...figures, ...(baselineP95Ms !== undefined ? { baselineP95Ms } : {}) };
    }
    this.window = new Map();
    return closed;
  }
}
