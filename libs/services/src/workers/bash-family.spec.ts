import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MATRIX, toFanoutError } from '@fanout/contracts';
import { cgroupHierarchies, type CgroupHierarchy } from '@fanout/tools-shell';
import { describe, expect, it } from 'vitest';
import { BASH_CATEGORY_SHARES, reservedBashExec } from './category-shares';

/** The host the matrix shares out here: 512 MiB and 2 cores, whatever the machine has. */
const HOST = { memoryMiB: 512, cores: 2 };
const env = (sandbox: string) => ({
  ...process.env,
  FANOUT_SANDBOX: sandbox,
  FANOUT_RESOURCES: `{host: {memoryMiB: ${HOST.memoryMiB}, cores: ${HOST.cores}}}`,
});
const MIB = 1024 * 1024;
/** The bash family's share of the host by the default matrix: 15% of the memory, 30% of the cores. */
const memoryShare = (HOST.memoryMiB * DEFAULT_MATRIX.bash.memory * MIB) / 100;
const coresShare = (HOST.cores * DEFAULT_MATRIX.bash.cpu) / 100;

function writable(hierarchy: CgroupHierarchy | undefined): boolean {
  if (!hierarchy) return false;
  try {
    accessSync(hierarchy.own, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

const hierarchies = cgroupHierarchies();
const v1 = (controller: string) =>
  hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller));
const memory = v1('memory');
const cpu = v1('cpu');
const skip =
  writable(memory) && writable(cpu)
    ? undefined
    : 'no writable cgroup v1 memory and cpu hierarchies here (read-only, or cgroup v2 only): the family groups are not made, and the tool says so once';
if (skip) console.warn(`bash family cgroup tests skipped — ${skip}`);

const context = () => ({
  signal: new AbortController().signal,
  workflowId: 'wf-test',
  taskId: 'phase/task',
  attempt: 1,
});

async function run(tool: ReturnType<typeof reservedBashExec>, command: string) {
  const calls = tool({ command } as never, context()) as AsyncGenerator<unknown, unknown, void>;
  for (;;) {
    const step = await calls.next();
    if (step.done) return step.value as { stdout: string; exitCode: number };
  }
}

/** The group a process's `/proc/<pid>/cgroup` text puts it in for `controller`. */
function groupOf(text: string, controller: string): string {
  const line = text
    .split('\n')
    .find((entry) => entry.split(':')[1]?.split(',').includes(controller));
  return line?.split(':')[2] ?? '';
}

const read = (hierarchy: CgroupHierarchy, group: string, file: string) =>
  readFileSync(join(hierarchy.own, group, file), 'utf8').trim();

describe.skipIf(skip)("the bash worker's commands in the bash family's cgroups", () => {
  it("puts a command in a group of its own under the family's, whose limits are the matrix's share", async () => {
    const tool = reservedBashExec(env('off'));
    const { stdout } = await run(tool, 'cat /proc/self/cgroup');
    // Paths relative to this process's own groups, which the command's are under.
    const mine = readFileSync('/proc/self/cgroup', 'utf8');
    const below = (controller: string) => {
      const own = groupOf(mine, controller);
      return groupOf(stdout, controller).slice(own === '/' ? 0 : own.length);
    };
    const memoryGroup = below('memory');
    const cpuGroup = below('cpu');
    const [, family, category = ''] = /^\/(fanout-bash-[\d.]+)\/([a-z-]+)$/.exec(cpuGroup) ?? [];
    expect(family).toMatch(new RegExp(`^fanout-bash-${process.pid}(\\.\\d+)?$`));
    expect(memoryGroup).toMatch(new RegExp(`^/${family}/\\d+$`));
    expect(Object.keys(BASH_CATEGORY_SHARES)).toContain(category);

    expect(Number(read(memory!, family!, 'memory.limit_in_bytes'))).toBe(
      Math.floor(memoryShare / 4096) * 4096,
    );
    expect(Number(read(cpu!, family!, 'cpu.cfs_quota_us'))).toBe(Math.round(coresShare * 100_000));
    expect(Number(read(cpu!, family!, 'cpu.cfs_period_us'))).toBe(100_000);
    expect(Number(read(cpu!, cpuGroup, 'cpu.shares'))).toBe(
      Math.round((BASH_CATEGORY_SHARES[category] ?? 0) * 4096),
    );
  });

  for (const sandbox of ['off', 'auto']) {
    it(`kills a command that goes over the family's memory with OUT_OF_MEMORY, and runs a small one (sandbox ${sandbox})`, async () => {
      const tool = reservedBashExec(env(sandbox));
      // tail keeps the whole of a "last line" with no newline in memory: 10 MiB fit in
      // the share of 76.8 MiB, 300 MiB do not.
      const small = await run(tool, 'head -c 10M /dev/zero | tail -n 1 | wc -c');
      expect(small.stdout.trim()).toBe(String(10 * MIB));

      const error = await run(tool, 'head -c 300M /dev/zero | tail -n 1').then(
        () => undefined,
        (thrown: unknown) => thrown as Error & { code: string; retryable: boolean },
      );
      expect(error).toMatchObject({ code: 'OUT_OF_MEMORY', retryable: false });
      expect(error?.message).toContain(
        `was killed by the kernel's OOM killer: its family's commands went over their memory share (${Math.round(memoryShare / MIB)} MiB)`,
      );
      expect(toFanoutError(error)).toMatchObject({ code: 'OUT_OF_MEMORY' });
    });
  }
});
