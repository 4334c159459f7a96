import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupHierarchies,
  GroupPool,
  readCount,
  removeTree,
  sweepDead,
  type CgroupHierarchy,
  type CommandCgroups,
  type CommandGroup,
} from './cgroup-fs';

/** What the commands of one tool family may use together on this host: its share of it. */
export interface FamilyShare {
  /** The family, in group names and messages (`bash`). */
  family: string;
  /** Memory all its commands together may use, in bytes. */
  memoryBytes: number;
  /** Cores all its commands together may use. */
  cores: number;
  /**
   * Each category's share of the family's CPU while categories contend (fractions of
   * one): a weight, not a cap, so a category alone may use all the family's cores.
   */
  categoryShares?: Readonly<Record<string, number>>;
}

/** The CFS period the quota is a part of: the kernel's default, 100 ms. */
export const CPU_PERIOD_US = 100_000;
/** The least quota the kernel takes (1 ms of each period). */
const MIN_QUOTA_US = 1_000;
/** The weight of a category the shares do not name (a sixteenth, as bash's network). */
const DEFAULT_CATEGORY_SHARE = 1 / 16;
const PAGE = 4096;

/** The family's CFS quota per period, in microseconds. */
export function cpuQuotaUs(cores: number): number {
  return Math.max(MIN_QUOTA_US, Math.round(cores * CPU_PERIOD_US));
}

/** The memory limit written: whole pages, as the kernel keeps it. */
export function memoryLimit(bytes: number): number {
  return Math.max(PAGE, Math.floor(bytes / PAGE) * PAGE);
}

/**
 * A category's relative CPU weight: v1 `cpu.shares` (1024 for a quarter, the build
 * category's share, which is the kernel's default) and v2 `cpu.weight` (100 for it).
 */
export function categoryWeight(share: number, version: 1 | 2): number {
  return version === 1
    ? Math.max(2, Math.round(share * 4096))
    : Math.min(10_000, Math.max(1, Math.round(share * 400)));
}

/**
 * A tool family's cgroups: one group holding every command of the family, limited to the
 * family's share of the host's memory and cores, a child group per command category
 * weighted by the category's share, and each command in a group of its own, so that the
 * kernel bounds what the family's commands use together, a command that goes over the
 * memory is killed by the OOM killer and the tool can say so, and categories share the
 * cores as they share the pool's slots. On cgroup v1 the memory and cpu hierarchies are
 * separate (a command joins its own memory group and its category's cpu group, beside its
 * pids group); on v2 one tree holds all three.
 *
 * `detect` finds where this process may create them; where it may not, it says so once
 * through `warn` and the commands run under their rlimits alone.
 */
export const FamilyCgroups = {
  detect(
    share: FamilyShare,
    options: {
      pids?: CommandCgroups | undefined;
      warn: (message: string) => void;
      /** Where to look (default: the hierarchies mounted here). */
      hierarchies?: readonly CgroupHierarchy[];
    },
  ): CommandCgroups | undefined {
    const hierarchies = options.hierarchies ?? cgroupHierarchies();
    const v1 = (controller: string) =>
      hierarchies.find((h) => h.version === 1 && h.controllers.includes(controller));
    const memory = v1('memory');
    const cpu = v1('cpu');
    const what = shareText(share);
    const name = familyName(share);
    if (memory || cpu) {
      const memoryBase = memory && familyBase(memory, name, share, setUpMemoryV1);
      const cpuBase = cpu && familyBase(cpu, name, share, setUpCpuV1);
      if (memoryBase || cpuBase) {
        if (!memoryBase || !cpuBase) {
          options.warn(
            `bash.exec: no writable ${memoryBase ? 'cpu' : 'memory'} cgroup here: the ${share.family} family's ${
              memoryBase ? `cpu share (${what.cores})` : `memory share (${what.memory})`
            } is not enforced; commands keep their rlimits`,
          );
        }
        return new V1Groups(share, memoryBase || undefined, cpuBase || undefined, options.pids);
      }
    }
    const unified = hierarchies.find(
      (h) => h.version === 2 && ['memory', 'cpu'].every((c) => h.controllers.includes(c)),
    );
    let why = 'no writable memory or cpu cgroup here';
    if (unified) {
      try {
        return new V2Groups(share, unified, name);
      } catch (error) {
        why = `cgroup v2 at ${unified.own} would not take the family's group (${(error as Error).message}); delegate a subtree whose own group holds no process`;
      }
    }
    options.warn(
      `bash.exec: ${why}: the ${share.family} family's share (${what.memory}, ${what.cores}) is not enforced; commands run under their rlimits alone`,
    );
    return undefined;
  },
};

function shareText(share: FamilyShare): { memory: string; cores: string } {
  return {
    memory: `${Math.round(share.memoryBytes / 1024 ** 2)} MiB of memory`,
    cores: `${Number(share.cores.toFixed(2))} cores`,
  };
}

/** Family groups made by this process: each tool's are its own. */
let made = 0;

/** The name of a family's groups: `fanout-<family>-<pid>`, `.<n>` after the first of this process. */
function familyName(share: FamilyShare): string {
  made += 1;
  return `fanout-${share.family}-${process.pid}${made > 1 ? `.${made}` : ''}`;
}

/** `<own>/<name>`, set up by `setUp`; '' when this process may not. */
function familyBase(
  hierarchy: CgroupHierarchy,
  name: string,
  share: FamilyShare,
  setUp: (base: string, share: FamilyShare) => void,
): string {
  sweepDead(hierarchy.own, `fanout-${share.family}-`);
  const base = join(hierarchy.own, name);
  try {
    mkdirSync(base);
    setUp(base, share);
    return base;
  } catch {
    removeTree(base);
    return '';
  }
}

function setUpMemoryV1(base: string, share: FamilyShare): void {
  try {
    // Children count against the limit only with hierarchy on (always, on recent kernels).
    writeFileSync(join(base, 'memory.use_hierarchy'), '1');
  } catch {
    // Fixed by the kernel.
  }
  writeFileSync(join(base, 'memory.limit_in_bytes'), String(memoryLimit(share.memoryBytes)));
}

function setUpCpuV1(base: string, share: FamilyShare): void {
  writeFileSync(join(base, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
  writeFileSync(join(base, 'cpu.cfs_quota_us'), String(cpuQuotaUs(share.cores)));
}

/** A category's name as a group's name. */
function groupName(category: string | undefined): string {
  return (category ?? 'other').replace(/[^a-z0-9-]/gi, '_');
}

function shareOf(share: FamilyShare, category: string | undefined): number {
  return (category && share.categoryShares?.[category]) || DEFAULT_CATEGORY_SHARE;
}

/** cgroup v1: a memory group per command, a cpu group per category, the pids group beside. */
class V1Groups implements CommandCgroups {
  readonly memoryLimitBytes: number | undefined;
  private readonly memoryGroups: GroupPool | undefined;
  private readonly cpuGroups = new Map<string, string>();

  constructor(
    private readonly share: FamilyShare,
    private readonly memoryBase: string | undefined,
    private readonly cpuBase: string | undefined,
    private readonly pids: CommandCgroups | undefined,
  ) {
    this.memoryLimitBytes = memoryBase ? memoryLimit(share.memoryBytes) : undefined;
    this.memoryGroups = memoryBase ? new GroupPool(memoryBase) : undefined;
  }

  create(spec: { maxPids: number; category?: string | undefined }): CommandGroup {
    const pids = this.pids?.create(spec);
    const memory = this.memoryGroups?.take();
    const oomFile = memory && join(memory, 'memory.oom_control');
    const killsBefore = oomFile ? readCount(oomFile, 'oom_kill') : 0;
    const cpu = this.cpuBase && this.cpuGroup(this.cpuBase, spec.category);
    return {
      procs: [
        ...(pids?.procs ?? []),
        ...(memory ? [join(memory, 'cgroup.procs')] : []),
        ...(cpu ? [join(cpu, 'cgroup.procs')] : []),
      ],
      outOfMemory: () => (oomFile ? readCount(oomFile, 'oom_kill') > killsBefore : false),
      dispose: () => {
        pids?.dispose();
        if (memory) this.memoryGroups?.give(memory);
      },
    };
  }

  removeAll(): void {
    this.memoryGroups?.drain();
    if (this.memoryBase) removeTree(this.memoryBase);
    if (this.cpuBase) removeTree(this.cpuBase);
  }

  private cpuGroup(base: string, category: string | undefined): string {
    const name = groupName(category);
    let dir = this.cpuGroups.get(name);
    if (!dir) {
      dir = join(base, name);
      mkdirSync(dir);
      const weight = categoryWeight(shareOf(this.share, category), 1);
      writeFileSync(join(dir, 'cpu.shares'), String(weight));
      this.cpuGroups.set(name, dir);
    }
    return dir;
  }
}

/**
 * cgroup v2: the family's group (`memory.max`, `cpu.max`), a group per category
 * (`cpu.weight`), a leaf per command (`pids.max`; the OOM killer takes the whole command).
 * The constructor throws when this process's group may not hand the controllers down (a
 * group that holds processes of its own may not, unless it is the root).
 */
class V2Groups implements CommandCgroups {
  readonly memoryLimitBytes: number;
  private readonly base: string;
  private readonly pids: boolean;
  private readonly categories = new Map<string, GroupPool>();
  private maxPids = 0;

  constructor(
    private readonly share: FamilyShare,
    hierarchy: CgroupHierarchy,
    name: string,
  ) {
    this.pids = hierarchy.controllers.includes('pids');
    const controllers = `+memory +cpu${this.pids ? ' +pids' : ''}`;
    writeFileSync(join(hierarchy.own, 'cgroup.subtree_control'), controllers);
    this.memoryLimitBytes = memoryLimit(share.memoryBytes);
    this.base =
      familyBase(hierarchy, name, share, (base) => {
        writeFileSync(join(base, 'memory.max'), String(this.memoryLimitBytes));
        writeFileSync(join(base, 'cpu.max'), `${cpuQuotaUs(share.cores)} ${CPU_PERIOD_US}`);
        writeFileSync(join(base, 'cgroup.subtree_control'), controllers);
      }) || fail(`cannot create the family's group under ${hierarchy.own}`);
  }

  create(spec: { maxPids: number; category?: string | undefined }): CommandGroup {
    this.maxPids = spec.maxPids;
    const groups = this.category(spec.category);
    const leaf = groups.take();
    const events = join(leaf, 'memory.events');
    const killsBefore = readCount(events, 'oom_kill');
    return {
      procs: [join(leaf, 'cgroup.procs')],
      outOfMemory: () => readCount(events, 'oom_kill') > killsBefore,
      dispose: () => groups.give(leaf),
    };
  }

  removeAll(): void {
    for (const groups of this.categories.values()) groups.drain();
    removeTree(this.base);
  }

  private category(category: string | undefined): GroupPool {
    const name = groupName(category);
    let groups = this.categories.get(name);
    if (!groups) {
      const dir = join(this.base, name);
      mkdirSync(dir);
      writeFileSync(
        join(dir, 'cpu.weight'),
        String(categoryWeight(shareOf(this.share, category), 2)),
      );
      writeFileSync(join(dir, 'cgroup.subtree_control'), `+memory${this.pids ? ' +pids' : ''}`);
      groups = new GroupPool(dir, (leaf, fresh) => {
        if (this.pids) writeFileSync(join(leaf, 'pids.max'), String(this.maxPids));
        if (fresh) writeFileSync(join(leaf, 'memory.oom.group'), '1');
      });
      this.categories.set(name, groups);
    }
    return groups;
  }
}

function fail(message: string): never {
  throw new Error(message);
}
