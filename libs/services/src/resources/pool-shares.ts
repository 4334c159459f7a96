import {
  DEFAULT_MATRIX,
  familyOf,
  TOOL_FAMILIES,
  type FamilyCapacity,
  type ResourceMatrix,
  type ToolFamily,
} from '@fanout/contracts';
import type { CgroupLimits, HostCapacity } from './host-capacity';
import type { ResourceOptions } from './resources.options';

/**
 * The host the workers' reference pool sizes were measured on (glob 4, grep 32, read 8,
 * xref 4; bash 16; …): two cores and 8 GiB. A family gets those sizes where its share of
 * the host is what the default matrix gives it there — on this host, and on the 4-core,
 * 8 GiB node `deploy/k8s` sizes its pods for, where memory binds — and proportionally
 * more or fewer elsewhere.
 */
export const REFERENCE_HOST: HostCapacity = { cores: 2, memoryMiB: 8192 };

/**
 * What one family may use on a host: its share of the host's cores and memory, capped
 * by this process's cgroup limits (a container sized for the family, as in `deploy/k8s`).
 */
export function familyCapacity(
  matrix: Readonly<ResourceMatrix>,
  family: ToolFamily,
  host: HostCapacity,
  limits: CgroupLimits = {},
): FamilyCapacity {
  const share = matrix[family];
  return {
    cpu: Math.min((host.cores * share.cpu) / 100, limits.cores ?? Infinity),
    memoryMiB: Math.min((host.memoryMiB * share.memory) / 100, limits.memoryMiB ?? Infinity),
  };
}

/** The host to share out: what the options say, the machine for what they leave out. */
export function hostOf(options: ResourceOptions, machine: HostCapacity): HostCapacity {
  return {
    cores: options.host.cores ?? machine.cores,
    memoryMiB: options.host.memoryMiB ?? machine.memoryMiB,
  };
}

/** Every family's capacity on a host, which the orchestrator refuses tasks against. */
export function capacities(
  options: ResourceOptions,
  machine: HostCapacity,
): Record<ToolFamily, FamilyCapacity> {
  const host = hostOf(options, machine);
  return Object.fromEntries(
    TOOL_FAMILIES.map((family) => [family, familyCapacity(options.matrix, family, host)]),
  ) as Record<ToolFamily, FamilyCapacity>;
}

/** A family's capacity here over its capacity on the reference host. */
export function familyScale(
  options: ResourceOptions,
  family: ToolFamily,
  machine: HostCapacity,
  limits: CgroupLimits = {},
): number {
  const here = familyCapacity(options.matrix, family, hostOf(options, machine), limits);
  const reference = familyCapacity(DEFAULT_MATRIX, family, REFERENCE_HOST);
  return Math.min(options.maxScale, here.cpu / reference.cpu, here.memoryMiB / reference.memoryMiB);
}

/**
 * The slots of each pool on this host: its reference size times its family's scale
 * (the scarcer of cores and memory decides), at least one, so a worker always takes
 * some work.
 */
export function derivePools(
  reference: Readonly<Record<string, number>>,
  options: ResourceOptions,
  machine: HostCapacity,
  limits: CgroupLimits = {},
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(reference).map(([tool, slots]) => {
      const scale = familyScale(options, familyOf(tool), machine, limits);
      // Rounded, not floored: a container limit in whole MiB (1228Mi for 15% of 8 GiB)
      // sits a hair under its share and must still give the reference's 16 slots.
      return [tool, Math.max(1, Math.round(slots * scale))];
    }),
  );
}
