import { mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

/** A cgroup hierarchy mounted here, and this process's own group in it. */
export interface CgroupHierarchy {
  version: 1 | 2;
  /**
   * v1: the controllers mounted there (`pids`, `memory`, `cpu`, …); v2: those this
   * process's group may hand to its children (its `cgroup.controllers`).
   */
  controllers: string[];
  /** This process's own group: a directory of the hierarchy. */
  own: string;
}

/** The cgroup hierarchies mounted here, from `/proc/self/mountinfo` and `/proc/self/cgroup`. */
export function cgroupHierarchies(): CgroupHierarchy[] {
  let mounts = '';
  let membership = '';
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    membership = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return [];
  }
  // `<id>:<controllers>:<path>`; v2's line is `0::<path>`.
  const groups = membership
    .split('\n')
    .map((line) => /^\d+:([^:]*):(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, controllers = '', path = '/']) => ({ controllers: controllers.split(','), path }));
  const found: CgroupHierarchy[] = [];
  for (const line of mounts.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const fields = left.split(' ');
    const root = fields[3] ?? '/';
    const mountPoint = fields[4] ?? '';
    const [fsType, , superOptions = ''] = right.split(' ');
    if (fsType === 'cgroup') {
      const controllers = superOptions
        .split(',')
        .filter((option) => option !== 'rw' && option !== 'ro' && !option.includes('='));
      const group = groups.find((entry) => controllers.some((c) => entry.controllers.includes(c)));
      if (!group) continue;
      found.push({ version: 1, controllers, own: join(mountPoint, below(root, group.path)) });
    } else if (fsType === 'cgroup2') {
      const group = groups.find((entry) => entry.controllers.join(',') === '');
      const own = join(mountPoint, below(root, group?.path ?? '/'));
      found.push({ version: 2, controllers: readWords(join(own, 'cgroup.controllers')), own });
    }
  }
  return found;
}

/** A group's path under a mount of a part of the hierarchy (a container's bind mount). */
function below(root: string, path: string): string {
  return root !== '/' && path.startsWith(root) ? path.slice(root.length) || '/' : path;
}

function readWords(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** SIGKILLs every process in the group; returns how many there were. */
export function killAll(dir: string): number {
  let pids: string[] = [];
  try {
    pids = readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean);
  } catch {
    return 0;
  }
  for (const pid of pids) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  return pids.length;
}

/** Removes a group and the groups under it, deepest first; one still in use stays. */
export function removeTree(dir: string): void {
  try {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) removeTree(join(dir, entry.name));
    }
    rmdirSync(dir);
  } catch {
    // Still emptying, or gone: removed by the next process's sweep.
  }
}

/**
 * Removes the groups `<prefix><pid>` (or `<prefix><pid>.<n>`) under `parent` of processes
 * that died without removing their own.
 */
export function sweepDead(parent: string, prefix: string): void {
  const pattern = new RegExp(`^${prefix}(\\d+)(?:\\.\\d+)?$`);
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1] ?? 0);
    if (pid > 0 && pid !== process.pid && !isAlive(pid)) removeTree(join(parent, name));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A count from a flat-keyed cgroup file (`oom_kill 3` in `memory.events`); 0 when absent. */
export function readCount(file: string, key: string): number {
  try {
    const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** One command's groups: the `cgroup.procs` files it joins before it execs, and their end. */
export interface CommandGroup {
  procs: string[];
  /** Whether the kernel's OOM killer killed a process of the command at its memory limit. */
  outOfMemory(): boolean;
  /** Kills what is left of the command in its groups and gives them back. */
  dispose(): void;
}

/** Where commands' groups come from: the pids groups, or the family's groups around them. */
export interface CommandCgroups {
  create(spec: { maxPids: number; category?: string | undefined }): CommandGroup;
  /** The memory all commands together may use, when a memory group bounds them. */
  readonly memoryLimitBytes?: number | undefined;
  /** Removes every group: at exit, so nothing of ours stays in the hierarchy. */
  removeAll(): void;
}

/**
 * Numbered child groups of `parent`, one command at a time in each. A group given back is
 * kept for a later command (creating a group costs the kernel more than running `true`)
 * and reused only once it is seen empty; `prepare` sets a group up before each use.
 */
export class GroupPool {
  private counter = 0;
  private readonly idle: string[] = [];

  constructor(
    private readonly parent: string,
    private readonly prepare: (dir: string, fresh: boolean) => void = () => undefined,
  ) {}

  take(): string {
    for (const dir of [...this.idle].reverse()) {
      if (killAll(dir) > 0) continue;
      this.idle.splice(this.idle.indexOf(dir), 1);
      this.prepare(dir, false);
      return dir;
    }
    this.counter += 1;
    const dir = join(this.parent, String(this.counter));
    mkdirSync(dir);
    this.prepare(dir, true);
    return dir;
  }

  /** Kills what is left in the group and keeps it. */
  give(dir: string): void {
    killAll(dir);
    this.idle.push(dir);
  }

  /** Kills what is left in every kept group (the caller removes the tree). */
  drain(): void {
    for (const dir of this.idle.splice(0)) killAll(dir);
  }
}
