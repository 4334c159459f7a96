import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * A pids cgroup per command: the only process-count wall that holds for root, for whom
 * the kernel does not enforce RLIMIT_NPROC. Used when a writable pids hierarchy exists
 * (cgroup v1 `pids`, or a delegated v2 subtree with the controller on); elsewhere the
 * rlimit is the wall, and it holds for any other user.
 */
export class PidsCgroups {
  private counter = 0;
  private readonly idle: { dir: string; maxPids: number }[] = [];

  private constructor(readonly base: string) {}

  /** Finds a pids hierarchy this process may create groups in, or `undefined`. */
  static detect(): PidsCgroups | undefined {
    for (const candidate of candidates()) {
      sweep(candidate);
      const base = join(candidate, `fanout-${process.pid}`);
      try {
        mkdirSync(base, { recursive: true });
        const probe = join(base, 'probe');
        mkdirSync(probe);
        const usable = existsSync(join(probe, 'pids.max'));
        rmdirSync(probe);
        if (usable) return new PidsCgroups(base);
        rmdirSync(base);
      } catch {
        // Not writable here: try the next.
      }
    }
    return undefined;
  }

  /**
   * An empty group capped at `maxPids`, for one command at a time. `dispose` kills what is
   * left in it and keeps it for a later command: creating a group costs the kernel more
   * than running `true`. A kept group is reused only once it is seen empty.
   */
  create(maxPids: number): { procs: string; dispose: () => void } {
    let dir: string | undefined;
    for (const candidate of [...this.idle].reverse()) {
      if (killAll(candidate.dir) > 0) continue;
      this.idle.splice(this.idle.indexOf(candidate), 1);
      dir = candidate.dir;
      if (candidate.maxPids !== maxPids) writeFileSync(join(dir, 'pids.max'), String(maxPids));
      break;
    }
    if (!dir) {
      this.counter += 1;
      dir = join(this.base, String(this.counter));
      mkdirSync(dir);
      writeFileSync(join(dir, 'pids.max'), String(maxPids));
    }
    const own = dir;
    return {
      procs: join(own, 'cgroup.procs'),
      dispose: () => {
        killAll(own);
        this.idle.push({ dir: own, maxPids });
      },
    };
  }

  /** Removes every group and the base: at exit, so nothing of ours stays in the hierarchy. */
  removeAll(): void {
    for (const { dir } of this.idle.splice(0)) {
      killAll(dir);
      try {
        rmdirSync(dir);
      } catch {
        // Still emptying: removed by the next process's sweep.
      }
    }
    try {
      rmdirSync(this.base);
    } catch {
      // Busy.
    }
  }
}

/** SIGKILLs every process in the group; returns how many there were. */
function killAll(dir: string): number {
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

/** Removes the groups of processes that died without removing their own. */
function sweep(parent: string): void {
  let entries: string[];
  try {
    entries = readdirSync(parent).filter((name) => /^fanout-\d+$/.test(name));
  } catch {
    return;
  }
  for (const name of entries) {
    const pid = Number(name.slice('fanout-'.length));
    if (pid === process.pid || isAlive(pid)) continue;
    const base = join(parent, name);
    try {
      for (const group of readdirSync(base, { withFileTypes: true })) {
        if (group.isDirectory()) rmdirSync(join(base, group.name));
      }
      rmdirSync(base);
    } catch {
      // Still in use: left alone.
    }
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

/** Where a pids controller is mounted, with this process's own group appended. */
function candidates(): string[] {
  let mounts = '';
  let own = '';
  try {
    mounts = readFileSync('/proc/self/mountinfo', 'utf8');
    own = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const line of mounts.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4] ?? '';
    const [fsType, , superOptions = ''] = right.split(' ');
    if (fsType === 'cgroup' && superOptions.split(',').includes('pids')) {
      const path = /^\d+:([^:]*pids[^:]*):(.*)$/m.exec(own)?.[2] ?? '/';
      found.push(join(mountPoint, path));
    } else if (fsType === 'cgroup2') {
      const path = /^0::(.*)$/m.exec(own)?.[1] ?? '/';
      found.push(join(mountPoint, path));
    }
  }
  return found;
}
