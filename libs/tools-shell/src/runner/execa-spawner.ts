import { execa } from 'execa';
import { ShellError, ShellErrorCode } from '../errors';
import type { SpawnedProcess, SpawnExit, SpawnSpec, Spawner } from './spawner';

/** `$1` groups' `cgroup.procs` files, then the command: the shell joins each, then execs it. */
const JOIN_GROUPS =
  'n=$1; shift; while [ "$n" -gt 0 ]; do echo $$ > "$1" || exit 126; shift; n=$((n - 1)); done; exec "$@"';

/** How long output may stay open after the process exited: a process that left the group may hold it. */
const DRAIN_MS = 2_000;

/**
 * Starts each command with execa directly: the fallback where perl is missing. Same
 * contract as the launcher — own process group, the rest of the group killed when the
 * process exits — at the cost of a fork of the Node process per command.
 */
export class ExecaSpawner implements Spawner {
  readonly name = 'execa';
  readonly appliesLimits = false;

  spawn(
    spec: SpawnSpec,
    onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void,
  ): SpawnedProcess {
    const groups = spec.cgroupProcs ?? [];
    const [file = '', ...args] = groups.length
      ? [
          '/bin/sh',
          '-c',
          JOIN_GROUPS,
          'fanout-cgroups',
          String(groups.length),
          ...groups,
          ...spec.argv,
        ]
      : spec.argv;
    const child = execa(file, args, {
      cwd: spec.cwd,
      env: spec.env,
      extendEnv: false,
      detached: true,
      stdin: 'ignore',
      buffer: false,
      reject: false,
      cleanup: true,
      encoding: 'buffer',
    });
    child.stdout.on('data', (data: Buffer) => onOutput('stdout', data));
    child.stderr.on('data', (data: Buffer) => onOutput('stderr', data));
    const pid = new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid ?? 0));
      child.once('error', (error) =>
        reject(
          new ShellError(ShellErrorCode.SpawnFailed, `could not start ${file}: ${error.message}`, {
            cause: error,
            retryable: true,
          }),
        ),
      );
    });
    pid.catch(() => undefined);
    const exit = new Promise<SpawnExit>((resolve, reject) => {
      pid.catch(reject);
      child.once('exit', (code, signal) => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is already empty.
        }
        const timer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, DRAIN_MS);
        child.once('close', () => {
          clearTimeout(timer);
          resolve({ code, signal });
        });
      });
    });
    void child.catch(() => undefined);
    return { pid, exit };
  }
}
