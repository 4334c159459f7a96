import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import type { Socket } from 'node:net';

/**
 * Servers this process started and has not seen exit yet. A leaked nats-server holds a port
 * and a store dir forever and makes the next run's failures baffling, so every spawn is
 * tracked here and killed when the test process goes away, however it goes away.
 */
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let hooked = false;

/**
 * Ties a server's life to ours. Two layers: an `exit` hook covers normal exits (including
 * `process.exit()`), and a watchdog covers the deaths no hook sees (SIGKILL, SIGTERM from a
 * test runner tearing down a worker): a tiny `sh` that blocks reading a pipe from us and,
 * when the pipe closes because we died, SIGKILLs the server and deletes `dir`, its temp dir (none: a dir the caller keeps).
 */
export function supervise(child: ChildProcess, dir: string | undefined): void {
  hook();
  live.add(child);
  const watchdog = child.pid === undefined ? undefined : startWatchdog(child.pid, dir);
  const forget = () => {
    live.delete(child);
    watchdog?.kill('SIGKILL');
  };
  child.once('exit', forget);
  if (child.pid === undefined) forget(); // never spawned: nothing to reap
}

/** Removes `dir` when this process exits, unless {@link release}d first. */
export function own(dir: string): void {
  hook();
  dirs.add(dir);
}

/** The caller removed `dir` itself. */
export function release(dir: string): void {
  dirs.delete(dir);
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  // Must stay synchronous: nothing asynchronous runs after 'exit'.
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

function startWatchdog(pid: number, dir: string | undefined): ChildProcess | undefined {
  if (process.platform === 'win32') return undefined;
  // `read` returns only at EOF: we never write, so EOF means our end of the pipe closed.
  const script = 'read -r _; kill -9 "$0" 2>/dev/null; [ -z "$1" ] || rm -rf "$1"';
  const watchdog = spawn('sh', ['-c', script, String(pid), dir ?? ''], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Own process group: a Ctrl-C aimed at the test runner must not take the watchdog first.
    detached: true,
  });
  watchdog.on('error', () => undefined); // no sh: we still have the exit hook
  watchdog.unref();
  (watchdog.stdin as Socket | null)?.unref();
  return watchdog;
}
