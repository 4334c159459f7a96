import { existsSync } from 'node:fs';

/** Per-process resource limits of a command (rlimits), inherited by all it starts. */
export interface ResourceLimits {
  /** RLIMIT_CPU: CPU seconds of each process (a spinning loop is killed by SIGXCPU/SIGKILL). */
  cpuSeconds: number;
  /**
   * RLIMIT_AS: address space of each process. Generous on purpose: V8 and WebAssembly
   * reserve far more address space than they use, and Node tools die under a tight one.
   */
  addressSpaceBytes: number;
  /** RLIMIT_NOFILE: open files of each process. */
  openFiles: number;
  /** RLIMIT_NPROC, and the pids cgroup's cap when there is one: processes and threads. */
  processes: number;
  /** RLIMIT_FSIZE: the largest file a process may write. */
  fileSizeBytes: number;
}

export const DEFAULT_LIMITS: Readonly<ResourceLimits> = {
  cpuSeconds: 600,
  addressSpaceBytes: 16 * 1024 ** 3,
  openFiles: 4096,
  processes: 512,
  fileSizeBytes: 4 * 1024 ** 3,
};

/**
 * The limits as (resource number, value) pairs for setrlimit(2). The numbers are Linux's
 * generic ones, shared by x86_64 and arm64: CPU 0, FSIZE 1, CORE 4, NPROC 6, NOFILE 7, AS 9.
 */
export function rlimitPairs(limits: ResourceLimits): [number, number][] {
  return [
    [0, limits.cpuSeconds],
    [9, limits.addressSpaceBytes],
    [7, limits.openFiles],
    [6, limits.processes],
    [1, limits.fileSizeBytes],
    [4, 0],
  ];
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((path) => existsSync(path));

/**
 * The argv prefix that applies the limits and then execs the command. util-linux's
 * `prlimit` does it without a shell (one exec, no fork); where it is missing, bash's
 * `ulimit` does the same in a wrapper shell. Soft and hard limits are set alike, and the
 * sandbox drops CAP_SYS_RESOURCE, so a command cannot raise them again.
 */
export function limitPrefix(limits: ResourceLimits): string[] {
  if (PRLIMIT) {
    return [
      PRLIMIT,
      `--cpu=${limits.cpuSeconds}`,
      `--as=${limits.addressSpaceBytes}`,
      `--nofile=${limits.openFiles}`,
      `--nproc=${limits.processes}`,
      `--fsize=${limits.fileSizeBytes}`,
      '--core=0',
      '--',
    ];
  }
  const script =
    `ulimit -t ${limits.cpuSeconds} -v ${Math.floor(limits.addressSpaceBytes / 1024)} -n ${limits.openFiles} ` +
    `-u ${limits.processes} -f ${Math.floor(limits.fileSizeBytes / 512)} -c 0 && exec "$@"`;
  return ['/bin/bash', '-c', script, 'fanout-limits'];
}
