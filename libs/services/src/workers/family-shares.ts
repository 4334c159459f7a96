import type { FamilyShare } from '@fanout/tools-shell';
import { lazyWebTools, webConfigFromEnv, type WebTools } from '@fanout/tools-web';
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
  env: NodeJS.ProcessEnv = process.env,
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
export function webNetworkShare(env: NodeJS.ProcessEnv = process.env): number {
  return resourceOptionsFromEnv(env).matrix.web.network / 100;
}

/**
 * The web worker's tools, configured from the process environment on first use
 * (`webConfigFromEnv`), their fetches sharing the web family's share of the host's
 * network (`FANOUT_NET_BYTES_PER_SEC` × `matrix.web.network`) as one byte rate.
 */
export const familyWebTools: WebTools = lazyWebTools(() => ({
  ...webConfigFromEnv(process.env),
  networkShare: webNetworkShare(process.env),
}));
