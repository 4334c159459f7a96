import type { ResourceLimits } from './limits';

/** One process to start: the full argv (sandbox included), where, with what. */
export interface SpawnSpec {
  argv: string[];
  /** Set by the spawner between fork and exec, when it `appliesLimits`; else already in `argv`. */
  limits?: ResourceLimits;
  cwd: string;
  env: Record<string, string>;
  /**
   * `cgroup.procs` files of the groups the child joins before it execs, so before it can
   * fork (its pids group, and its family's memory and cpu groups where there are some).
   */
  cgroupProcs?: readonly string[];
}

/** How a started process ended, once its output has closed. */
export interface SpawnExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started process: its pid (also its process group's id) and its end. */
export interface SpawnedProcess {
  /** Resolves once the process exists; rejects when it could not be started. */
  pid: Promise<number>;
  /** Resolves after the process exited, the rest of its group was killed and its output closed. */
  exit: Promise<SpawnExit>;
}

/**
 * Starts processes in a process group of their own and reports their output as it comes.
 * Every implementation kills what is left of the group when the process exits, so a
 * command's background jobs never outlive it.
 */
export interface Spawner {
  readonly name: string;
  /** Whether it sets `SpawnSpec.limits` itself; if not, the runner puts `prlimit` in the argv. */
  readonly appliesLimits: boolean;
  spawn(
    spec: SpawnSpec,
    onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void,
  ): SpawnedProcess;
}
