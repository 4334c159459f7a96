import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** What a process may use: cores and MiB of memory. */
export interface HostCapacity {
  cores: number;
  memoryMiB: number;
}

/** A container's own limits, where its cgroup sets them. */
export interface CgroupLimits {
  cores?: number;
  memoryMiB?: number;
}

const MIB = 1024 * 1024;

/** The machine this process runs on, as the operating system reports it. */
export function machineCapacity(): HostCapacity {
  return { cores: availableParallelism(), memoryMiB: Math.floor(totalmem() / MIB) };
}

/**
 * The cgroup's limits of this process (v2 `cpu.max`, `memory.max`; else v1's CFS quota
 * and memory limit), read from `root`. A file missing or saying "max" is no limit.
 */
export function readCgroupLimits(root = '/sys/fs/cgroup'): CgroupLimits {
  const read = (file: string) => {
    try {
      return readFileSync(`${root}/${file}`, 'utf8');
    } catch {
      return undefined;
    }
  };
  const cores =
    cgroupCores(read('cpu.max')) ??
    cgroupV1Cores(read('cpu/cpu.cfs_quota_us'), read('cpu/cpu.cfs_period_us'));
  const memoryMiB = cgroupMemoryMiB(read('memory.max') ?? read('memory/memory.limit_in_bytes'));
  return { ...(cores ? { cores } : {}), ...(memoryMiB ? { memoryMiB } : {}) };
}

/** v2 `cpu.max`: `<quota> <period>` in microseconds, or `max <period>` for none. */
export function cgroupCores(text: string | undefined): number | undefined {
  const [quota, period] = (text ?? '').trim().split(/\s+/);
  return cgroupV1Cores(quota, period);
}

/** v1 CFS quota and period in microseconds; a quota of -1 is none. */
export function cgroupV1Cores(
  quota: string | undefined,
  period: string | undefined,
): number | undefined {
  const q = Number(quota);
  const p = Number(period);
  return q > 0 && p > 0 ? q / p : undefined;
}

/**
 * A memory limit in bytes as MiB; "max", or v1's "no limit" (a page-rounded 2^63), is
 * none.
 */
export function cgroupMemoryMiB(text: string | undefined): number | undefined {
  const bytes = Number((text ?? '').trim());
  return Number.isFinite(bytes) && bytes > 0 && bytes < 2 ** 60
    ? Math.floor(bytes / MIB)
    : undefined;
}
