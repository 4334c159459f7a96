import type { FamilyShare } from '@fanout/tools-shell';
import { machineCapacity, readCgroupLimits } from '../resources/host-capacity';
import { familyCapacity, hostOf } from '../resources/pool-shares';
import { resourceOptionsFromEnv } from '../resources/resources.options';

const MIB = 1024 * 1024;

/**
 * What the bash worker's commands may use together: the bash family's share of the host's
 * memory and cores by the allocation matrix (`FANOUT_RESOURCES`), the same host figure the
 * pools are sized from (the machine, or `host`, capped by this process's cgroup limits),
 * the categories' CPU weighted by their shares of the pool.
 */
export function bashFamilyShare(
  categoryShares: Readonly<Record<string, number>>,
  env: NodeJS.ProcessEnv,
): FamilyShare {
  const options = resourceOptionsFromEnv(env);
  const host = hostOf(options, machineCapacity());
  const capacity = familyCapacity(options.matrix, 'bash', host, readCgroupLimits());
  return {
    family: 'bash',
    memoryBytes: Math.floor(capacity.memoryMiB * MIB),
    cores: capacity.cpu,
    categoryShares,
  };
}

/** The web family's share of the host's network, as a fraction (`matrix.web.network`). */
export function webNetworkShare(env: NodeJS.ProcessEnv): number {
  return resourceOptionsFromEnv(env).matrix.web.network / 100;
}
