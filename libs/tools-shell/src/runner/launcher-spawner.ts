import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { ShellError, ShellErrorCode } from '../errors';
import { encodeRequest, FrameReader, type Frame } from './launcher-protocol';
import type { SpawnedProcess, SpawnExit, SpawnSpec, Spawner } from './spawner';
import { decodeWaitStatus } from './wait-status';

const LAUNCHER = fileURLToPath(new URL('./launcher.pl', import.meta.url));

/**
 * setrlimit(2)'s number on the architectures where the launcher sets limits itself
 * (perl-base has no setrlimit of its own, only `syscall`). Elsewhere `prlimit` does it.
 */
const SETRLIMIT: Partial<Record<NodeJS.Architecture, number>> = { x64: 160, arm64: 164 };

/** Starts the resident launcher: requests in on stdin, frames out on stdout. */
function startLauncher(perl: string) {
  return execa(perl, [LAUNCHER, String(SETRLIMIT[process.arch] ?? 0)], {
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'inherit',
    buffer: false,
    reject: false,
    cleanup: true,
    extendEnv: false,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
  });
}

type Launcher = ReturnType<typeof startLauncher>;

interface Job {
  onOutput: (stream: 'stdout' | 'stderr', data: Buffer) => void;
  started: (pid: number) => void;
  ended: (exit: SpawnExit) => void;
  failed: (error: Error) => void;
}

/**
 * Starts commands through one resident perl process (`launcher.pl`) that forks for us.
 * Node's own fork copies its page tables — the cost grows with the heap and lands on the
 * event loop — while the launcher is a few megabytes and forks in microseconds. Started
 * with execa on first use, restarted if it dies; it never keeps the process alive on its
 * own, and when Node goes away the launcher kills every group it started.
 */
export class LauncherSpawner implements Spawner {
  readonly name = 'launcher';
  readonly appliesLimits = SETRLIMIT[process.arch] !== undefined;
  private process: Launcher | undefined;
  private readonly jobs = new Map<number, Job>();
  private nextId = 1;

  constructor(private readonly perl = 'perl') {}

  spawn(spec: SpawnSpec, onOutput: Job['onOutput']): SpawnedProcess {
    const launcher = this.launcher();
    const id = this.nextId++;
    let started!: (pid: number) => void;
    let ended!: (exit: SpawnExit) => void;
    let failed!: (error: Error) => void;
    const pid = new Promise<number>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    const exit = new Promise<SpawnExit>((resolve, reject) => {
      ended = resolve;
      const fail = failed;
      failed = (error) => {
        fail(error);
        reject(error);
      };
    });
    // Whoever awaits only `exit` must not see an unhandled rejection of `pid`.
    pid.catch(() => undefined);
    this.jobs.set(id, { onOutput, started, ended, failed });
    this.busy(true);
    launcher.stdin.write(encodeRequest(id, spec));
    return { pid, exit };
  }

  private launcher(): Launcher {
    if (this.process) return this.process;
    const child = startLauncher(this.perl);
    const reader = new FrameReader();
    child.stdout.on('data', (data: Buffer) => {
      for (const frame of reader.push(data)) this.dispatch(frame);
    });
    const lost = (why: string) => {
      if (this.process !== child) return;
      this.process = undefined;
      const error = new ShellError(ShellErrorCode.SpawnFailed, `the process launcher ${why}`, {
        retryable: true,
      });
      for (const job of this.jobs.values()) job.failed(error);
      this.jobs.clear();
    };
    child.on('exit', (code, signal) => lost(`exited (code ${code}, signal ${signal})`));
    child.on('error', (error) => lost(`failed: ${error.message}`));
    child.stdin.on('error', () => lost('closed its input'));
    void child.then(() => lost('ended'));
    this.process = child;
    this.busy(false);
    return child;
  }

  private dispatch(frame: Frame): void {
    const job = this.jobs.get(frame.id);
    if (!job) return;
    switch (frame.type) {
      case 'P':
        return job.started(Number(frame.payload.toString()));
      case 'O':
        return job.onOutput('stdout', frame.payload);
      case 'E':
        return job.onOutput('stderr', frame.payload);
      case 'X':
        this.jobs.delete(frame.id);
        this.busy(false);
        return job.ended(decodeWaitStatus(Number(frame.payload.toString())));
      case 'F':
        this.jobs.delete(frame.id);
        this.busy(false);
        return job.failed(
          new ShellError(
            ShellErrorCode.SpawnFailed,
            `could not start the command: ${frame.payload.toString()}`,
            {
              retryable: true,
            },
          ),
        );
    }
  }

  /** Keeps Node alive while a command runs, and only then. */
  private busy(starting: boolean): void {
    const child = this.process;
    if (!child) return;
    const handles = [child, child.stdout as Socket | null, child.stdin as Socket | null];
    const active = starting || this.jobs.size > 0;
    for (const handle of handles) {
      if (!handle) continue;
      if (active) handle.ref?.();
      else handle.unref?.();
    }
  }
}
