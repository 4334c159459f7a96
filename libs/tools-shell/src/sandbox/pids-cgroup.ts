import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cgroupHierarchies,
  GroupPool,
  removeTree,
  sweepDead,
  type CommandCgroups,
  type CommandGroup,
} from './cgroup-fs';

/**
 * A pids cgroup per command: the only process-count wall that holds for root, for whom
 * the kernel does not enforce RLIMIT_NPROC. Used when a writable pids hierarchy exists
 * (cgroup v1 `pids`, or a delegated v2 subtree with the controller on); elsewhere the
 * rlimit is the wall, and it holds for any other user.
 */
export class PidsCgroups implements CommandCgroups {
  private readonly groups: GroupPool;
  /** Each group's `pids.max` as last written: most commands keep the default. */
  private readonly caps = new Map<string, number>();
  private wanted = 0;

  private constructor(readonly base: string) {
    this.groups = new GroupPool(base, (dir) => {
      if (this.caps.get(dir) === this.wanted) return;
      writeFileSync(join(dir, 'pids.max'), String(this.wanted));
      this.caps.set(dir, this.wanted);
    });
  }

  /** Finds a pids hierarchy this process may create groups in, or `undefined`. */
  static detect(): PidsCgroups | undefined {
    const candidates = cgroupHierarchies().filter(
      (hierarchy) => hierarchy.version === 2 || hierarchy.controllers.includes('pids'),
    );
    for (const { own } of candidates) {
      sweepDead(own, 'fanout-');
      const base = join(own, `fanout-${process.pid}`);
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

  /** An empty group capped at `maxPids`, for one command; `dispose` kills what is left in it. */
  create({ maxPids }: { maxPids: number }): CommandGroup {
    this.wanted = maxPids;
    const dir = this.groups.take();
    return {
      procs: [join(dir, 'cgroup.procs')],
      outOfMemory: () => false,
      dispose: () => this.groups.give(dir),
    };
  }

  /** Removes every group and the base: at exit, so nothing of ours stays in the hierarchy. */
  removeAll(): void {
    this.groups.drain();
    removeTree(this.base);
  }
}
