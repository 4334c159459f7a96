import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExecaSpawner } from '../runner/execa-spawner';
import { runToEnd } from '../runner/run-command';
import { bashRun, tempWorkspace } from '../testing/fixtures';
import { defaultSpawner, sharedCgroups } from '../tool/defaults';
import { cgroupHierarchies } from './cgroup-fs';
import {
  categoryWeight,
  cpuQuotaUs,
  FamilyCgroups,
  memoryLimit,
  type FamilyShare,
} from './family-cgroup';

const SHARE: FamilyShare = {
  family: 'bash',
  memoryBytes: 100 * 1024 * 1024 + 123,
  cores: 0.6,
  categoryShares: { build: 4 / 16, network: 1 / 16 },
};

describe("a family's cgroup limits", () => {
  it('are its cores as a CFS quota of 100 ms periods, its memory in whole pages, its categories as weights', () => {
    expect(cpuQuotaUs(0.6)).toBe(60_000);
    expect(cpuQuotaUs(0.001)).toBe(1_000);
    expect(memoryLimit(100 * 1024 * 1024 + 123)).toBe(100 * 1024 * 1024);
    expect(categoryWeight(4 / 16, 1)).toBe(1024);
    expect(categoryWeight(1 / 16, 1)).toBe(256);
    expect(categoryWeight(4 / 16, 2)).toBe(100);
    expect(categoryWeight(1 / 16, 2)).toBe(25);
  });

  it('are said once not to hold where no writable hierarchy exists, and the pids groups stay', () => {
    const warnings: string[] = [];
    const unwritable = { version: 1 as const, controllers: ['memory', 'cpu'], own: '/proc/none' };
    for (const hierarchies of [[], [unwritable]]) {
      expect(
        FamilyCgroups.detect(SHARE, { warn: (m) => warnings.push(m), hierarchies }),
      ).toBeUndefined();
    }
    expect(warnings).toEqual([
      "bash.exec: no writable memory or cpu cgroup here: the bash family's share (100 MiB of memory, 0.6 cores) is not enforced; commands run under their rlimits alone",
      "bash.exec: no writable memory or cpu cgroup here: the bash family's share (100 MiB of memory, 0.6 cores) is not enforced; commands run under their rlimits alone",
    ]);
  });
});

const writable = (dir: string | undefined) => {
  try {
    if (dir) accessSync(dir, constants.W_OK);
    return dir !== undefined;
  } catch {
    return false;
  }
};
const v1 = (controller: string) =>
  cgroupHierarchies().find((h) => h.version === 1 && h.controllers.includes(controller))?.own;
const skip =
  writable(v1('memory')) && writable(v1('cpu'))
    ? undefined
    : 'no writable cgroup v1 memory and cpu hierarchies here';

describe.skipIf(skip)("a family's groups on cgroup v1", () => {
  it("gives each command its own memory group under the family's and its category's cpu group, and removes them all", () => {
    const warnings: string[] = [];
    const groups = FamilyCgroups.detect(SHARE, { warn: (m) => warnings.push(m) })!;
    expect(warnings).toEqual([]);
    const build = groups.create({ maxPids: 64, category: 'build' });
    const network = groups.create({ maxPids: 64, category: 'network' });
    const [memory, cpu] = build.procs.map(dirname);
    const family = (dir = '') => dirname(dir);
    expect(readFileSync(join(family(memory), 'memory.limit_in_bytes'), 'utf8').trim()).toBe(
      String(100 * 1024 * 1024),
    );
    expect(groups.memoryLimitBytes).toBe(100 * 1024 * 1024);
    expect(readFileSync(join(family(cpu), 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('60000');
    expect(readFileSync(join(cpu!, 'cpu.shares'), 'utf8').trim()).toBe('1024');
    expect(readFileSync(join(dirname(network.procs[1]!), 'cpu.shares'), 'utf8').trim()).toBe('256');
    expect(dirname(network.procs[0]!)).not.toBe(memory);
    expect(build.outOfMemory()).toBe(false);
    build.dispose();
    network.dispose();
    groups.removeAll();
    expect(existsSync(family(memory))).toBe(false);
    expect(existsSync(family(cpu))).toBe(false);
  });

  for (const spawner of [defaultSpawner(), new ExecaSpawner()]) {
    it(`starts a command in its pids, memory and cpu groups through ${spawner.name}`, async () => {
      const groups = FamilyCgroups.detect(SHARE, { pids: sharedCgroups(), warn: () => undefined })!;
      const workspace = tempWorkspace();
      try {
        const result = await runToEnd(
          bashRun(
            'cat /proc/self/cgroup',
            workspace.dir,
            { kind: 'process-group', reason: 'test' },
            {
              spawner,
              cgroups: groups,
              category: 'build',
            },
          ),
        );
        const line = (controller: string) =>
          result.stdout.split('\n').find((entry) => entry.split(':')[1] === controller) ?? '';
        const family = `fanout-bash-${process.pid}`;
        expect(line('memory')).toMatch(new RegExp(`/${family}[.\\d]*/\\d+$`));
        expect(line('cpu')).toMatch(new RegExp(`/${family}[.\\d]*/build$`));
        if (sharedCgroups())
          expect(line('pids')).toMatch(new RegExp(`/fanout-${process.pid}/\\d+$`));
      } finally {
        groups.removeAll();
        workspace.cleanup();
      }
    });
  }
});
