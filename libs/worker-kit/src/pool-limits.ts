import { familyOf, type Broadcast } from '@fanout/contracts';

type Limits = Extract<Broadcast, { kind: 'limits' }>;

/**
 * The sizes a `limits` broadcast asks of this worker's pools, from the sizes it started
 * with (`base`, its family's share of its host): a tool named in `pools` gets that many
 * slots; else a tool whose family has a factor gets its base times the factor, at least
 * one; any other keeps its base, so a broadcast that says nothing of a family undoes an
 * earlier one. Tools this worker does not host are not its business.
 */
export function poolsUnderLimits(
  base: ReadonlyMap<string, number>,
  limits: Pick<Limits, 'pools' | 'factors'>,
): Map<string, number> {
  return new Map(
    [...base].map(([tool, slots]) => {
      const fixed = limits.pools[tool];
      if (fixed !== undefined) return [tool, fixed];
      const factor = limits.factors?.[familyOf(tool)];
      return [tool, factor === undefined ? slots : Math.max(1, Math.round(slots * factor))];
    }),
  );
}
