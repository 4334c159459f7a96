import {
  familyOf,
  TOOLS,
  type InstanceView,
  type QueueView,
  type ToolFamily,
} from '@fanout/contracts';
import type { FamilyLoad } from './allocation-rules';

/**
 * What each family has and owes right now: the slots and busy slots of its tools' pools
 * on live instances, the storage and network bytes per second those instances moved, the
 * tasks waiting on its tools' queues, and how its calls went in the window (`calls`, from
 * the `CallTally`).
 */
export function familyLoads(
  instances: readonly InstanceView[],
  queues: readonly QueueView[],
  calls: Partial<Record<ToolFamily, Partial<FamilyLoad>>> = {},
): Partial<Record<ToolFamily, FamilyLoad>> {
  const loads: Partial<Record<ToolFamily, FamilyLoad>> = {};
  const of = (tool: string) => (loads[familyOf(tool)] ??= { waiting: 0, slots: 0, busy: 0 });
  for (const instance of instances) {
    if (instance.status === 'silent' || instance.status === 'stopped') continue;
    if (instance.io || instance.network) {
      const load = (loads[instance.family] ??= { waiting: 0, slots: 0, busy: 0 });
      load.ioBytesPerSec = (load.ioBytesPerSec ?? 0) + both(instance.io);
      load.networkBytesPerSec = (load.networkBytesPerSec ?? 0) + both(instance.network);
    }
    for (const pool of instance.pools) {
      if (!(pool.pool in TOOLS)) continue; // the orchestrator's workflows are not a tool
      const load = of(pool.pool);
      load.slots += pool.size;
      load.busy += pool.busy;
    }
  }
  for (const queue of queues) of(queue.tool).waiting += queue.waiting;
  for (const [family, figures] of Object.entries(calls)) {
    const load = (loads[family as ToolFamily] ??= { waiting: 0, slots: 0, busy: 0 });
    Object.assign(load, figures);
  }
  return loads;
}

function both(rates: InstanceView['io']): number {
  return rates ? rates.readBytesPerSec + rates.writeBytesPerSec : 0;
}
