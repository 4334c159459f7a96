import type { CommandCgroups } from '../sandbox/cgroup-fs';
import type { Sandbox } from '../sandbox/resolve-sandbox';
import type { ResourceLimits } from './limits';
import type { Spawner } from './spawner';

/** Everything one run needs; the tool fills it from the call and its own options. */
export interface RunOptions {
  /** The command's own argv (see `execPlan`); limits and sandbox are added around it. */
  argv: string[];
  /** The workspace: cwd, and the one writable place in the sandbox. */
  cwd: string;
  /** The complete environment (see `commandEnv`). */
  env: Record<string, string>;
  timeoutMs: number;
  network: boolean;
  sandbox: Sandbox;
  limits: ResourceLimits;
  /** Output kept and streamed, both streams together. */
  maxOutputBytes: number;
  /** After the timeout's SIGTERM, how long before SIGKILL. */
  killGraceMs: number;
  spawner: Spawner;
  /**
   * Per-command cgroups, where the host has them: a pids group, and the family's memory
   * and cpu groups when the tool was given its family's share.
   */
  cgroups?: CommandCgroups;
  /** The command's category, whose share of the family's CPU its cpu group weighs. */
  category?: string;
  /** The caller's home, hidden in the sandbox. */
  home?: string;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 2_000;
