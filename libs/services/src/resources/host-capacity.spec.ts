import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cgroupCores, cgroupMemoryMiB, readCgroupLimits } from './host-capacity';

describe('cgroup limits', () => {
  it('read v2 cpu.max as cores, "max" as no limit', () => {
    expect(cgroupCores('150000 100000\n')).toBe(1.5);
    expect(cgroupCores('max 100000\n')).toBeUndefined();
    expect(cgroupCores(undefined)).toBeUndefined();
  });

  it('read a memory limit in bytes as MiB, "max" and v1 "unlimited" as none', () => {
    expect(cgroupMemoryMiB(`${4096 * 1024 * 1024}\n`)).toBe(4096);
    expect(cgroupMemoryMiB('max\n')).toBeUndefined();
    expect(cgroupMemoryMiB('9223372036854771712\n')).toBeUndefined();
  });

  it('come from the v2 files, else the v1 ones, of a cgroup directory', () => {
    const v2 = mkdtempSync(join(tmpdir(), 'fanout-cgroup-'));
    writeFileSync(join(v2, 'cpu.max'), '200000 100000\n');
    writeFileSync(join(v2, 'memory.max'), `${1228 * 1024 * 1024}\n`);
    expect(readCgroupLimits(v2)).toEqual({ cores: 2, memoryMiB: 1228 });

    const v1 = mkdtempSync(join(tmpdir(), 'fanout-cgroup-'));
    mkdirSync(join(v1, 'cpu'));
    mkdirSync(join(v1, 'memory'));
    writeFileSync(join(v1, 'cpu/cpu.cfs_quota_us'), '50000\n');
    writeFileSync(join(v1, 'cpu/cpu.cfs_period_us'), '100000\n');
    writeFileSync(join(v1, 'memory/memory.limit_in_bytes'), '9223372036854771712\n');
    expect(readCgroupLimits(v1)).toEqual({ cores: 0.5 });

    expect(readCgroupLimits(join(v1, 'absent'))).toEqual({});
  });
});
