import { existsSync } from 'node:fs';
import { LockManager } from '../locks/lock-manager';
import { ExecaSpawner } from '../runner/execa-spawner';
import { LauncherSpawner } from '../runner/launcher-spawner';
import type { Spawner } from '../runner/spawner';
import type { CommandCgroups } from '../sandbox/cgroup-fs';
import { FamilyCgroups, type FamilyShare } from '../sandbox/family-cgroup';
import { PidsCgroups } from '../sandbox/pids-cgroup';

let spawner: Spawner | undefined;
let locks: LockManager | undefined;
let cgroups: PidsCgroups | undefined | null;

const PERL = ['/usr/bin/perl', '/bin/perl'].find((path) => existsSync(path));

/** One spawner per process: the perl launcher where perl exists (Debian always has it), else execa. */
export function defaultSpawner(): Spawner {
  spawner ??= PERL ? new LauncherSpawner(PERL) : new ExecaSpawner();
  return spawner;
}

/** The process's lock manager: locks mean nothing unless every caller asks the same one. */
export function sharedLocks(): LockManager {
  locks ??= new LockManager();
  return locks;
}

/** The process's pids cgroups, detected once; `undefined` where the host has none writable. */
export function sharedCgroups(): PidsCgroups | undefined {
  if (cgroups === undefined) {
    cgroups = PidsCgroups.detect() ?? null;
    if (cgroups) {
      const found = cgroups;
      process.once('exit', () => found.removeAll());
    }
  }
  return cgroups ?? undefined;
}

/**
 * A family's cgroups around the pids groups (see `FamilyCgroups`), removed at exit; the
 * pids groups alone, after one warning, where the host has no writable memory or cpu
 * hierarchy.
 */
export function familyCgroups(
  share: FamilyShare,
  pids: CommandCgroups | undefined,
  warn: (message: string) => void,
): CommandCgroups | undefined {
  const groups = FamilyCgroups.detect(share, { pids, warn });
  if (!groups) return pids;
  process.once('exit', () => groups.removeAll());
  return groups;
}
