import type { CategoryLimiter } from '../classify/category-limiter';
import type { LockManager } from '../locks/lock-manager';
import type { Policy } from '../policy/policy-schema';
import type { ResourceLimits } from '../runner/limits';
import type { Spawner } from '../runner/spawner';
import type { FamilyShare } from '../sandbox/family-cgroup';
import type { SandboxMode } from '../sandbox/sandbox-options';

/** How a `bash.exec` tool is put together; every part has a default a worker can keep. */
export interface BashExecOptions {
  /** The policy commands are checked against (default: the shipped one). */
  policy?: Policy;
  /** Default: `FANOUT_SANDBOX` of `env` (see `shellSettingsFromEnv`), else `auto`. */
  sandbox?: SandboxMode;
  /** Slots by kind of work (default: a limiter of its own, 16 slots shared 4/3/2/2/2/2/1). */
  limiter?: CategoryLimiter;
  /** Named locks (default: the process's shared manager, so every call sees the others'). */
  locks?: LockManager;
  limits?: Partial<ResourceLimits>;
  /** Output kept per call, both streams together (default 1 MiB). */
  maxOutputBytes?: number;
  /** SIGTERM to SIGKILL on timeout (default 2 s). */
  killGraceMs?: number;
  /**
   * When set, a call's `cwd` must lie inside it and a relative `cwd` is taken from it.
   * The default cwd is this root, else the worker's own working directory.
   */
  workspaceRoot?: string;
  /** How processes are started (default: the perl launcher where perl exists, else execa). */
  spawner?: Spawner;
  /** Use a pids cgroup per command where the host has a writable one (default true). */
  pidsCgroups?: boolean;
  /**
   * The family's share of the host, read at the first command: all commands together are
   * held to its memory and cores by cgroups, each in a group of its own, its category's
   * CPU weighted by the category's share (see `FamilyCgroups`). Where the host has no
   * writable memory or cpu cgroup it says so once (`warn`) and the rlimits are the only
   * bound. Default: none, commands bounded by their rlimits and pids group.
   */
  family?: () => FamilyShare | undefined;
  /** The worker's environment, the source of the allow-listed variables (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Where the one "no sandbox here" (or "no cgroup here") warning goes (default `console.warn`). */
  warn?: (message: string) => void;
}
