import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  devHome,
  devPaths,
  isAlive,
  lockHolder,
  lockHome,
  runningDev,
  writeState,
  type DevState,
} from '../dev/dev-home';
import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/dev';

/** How long a start may take: a nats-server and five services, on a loaded machine. */
const START_TIMEOUT_MS = 60_000;
/** How long `stop` waits for the drain before it kills. */
const STOP_TIMEOUT_MS = 30_000;
const POLL_MS = 50;
/** Longest Unix socket path Linux and macOS take, with a margin. */
const MAX_SOCKET_PATH = 100;

type Args = Parsed<typeof declaration.options>;

/**
 * `fanout dev [status|stop]`: a local Fanout that stays up in the background — a
 * nats-server with its store under `FANOUT_HOME` (default `~/.fanout`) and every service —
 * which `run`, `call`, `ask`, `submit`, `watch`, `status`, `cancel` and `dlq` use when no
 * `--nats` or `NATS_URL` is given. One per home.
 */
export async function run(args: Args): Promise<ExitCode> {
  const [action, extra] = args.positionals;
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const home = devHome();
  switch (action) {
    case undefined:
    case 'start':
      return start(args, home);
    case 'status':
      return status(args, home);
    case 'stop':
      return stop(home);
    case 'serve':
      return serve(args, home);
    default:
      throw new UsageError(`fanout dev takes start, status or stop; got "${action}"`);
  }
}

/** Starts the background process and returns once it is ready (or says why it is not). */
async function start(args: Args, home: string): Promise<ExitCode> {
  const running = await runningDev(home);
  if (running) {
    process.stderr.write(`fanout dev: already running on ${home}\n`);
    return report(running, args);
  }
  const paths = devPaths(home);
  await mkdir(home, { recursive: true });
  const log = await open(paths.log, 'a');
  const serveArgs = [
    'dev',
    'serve',
    ...(args.values.prefix ? ['--prefix', args.values.prefix] : []),
  ];
  // The same command again (the launcher, or the compiled entry), as a process of its own
  // that outlives this one: detached, its output to the home's log.
  const entry = process.argv[1];
  if (!entry)
    throw new Error('fanout dev: cannot tell how this command was started (no process.argv[1])');
  const child = spawn(process.execPath, [...process.execArgv, entry, ...serveArgs], {
    detached: true,
    stdio: ['ignore', log.fd, log.fd],
    env: process.env,
  });
  await log.close();
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = signal ?? `exit code ${code}`));
  child.unref();
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const state = await runningDev(home);
    // Ours, or (ours having lost the home to a start a moment before) the one that won.
    if (state && (state.pid === child.pid || exited !== undefined)) return report(state, args);
    if (exited !== undefined && (await lockHolder(home)) === undefined) {
      throw new DevNotReadyError(
        `stopped while starting (${exited}); ${paths.log} ends:\n${await tail(paths.log)}`,
      );
    }
    await sleep(POLL_MS);
  }
  if (child.pid) process.kill(child.pid, 'SIGTERM');
  throw new Error(
    `fanout dev was not ready after ${START_TIMEOUT_MS} ms:\n${await tail(paths.log)}`,
  );
}

/** Running: what and where, exit 0. Not running: exit 1. */
async function status(args: Args, home: string): Promise<ExitCode> {
  const state = await runningDev(home);
  if (state) return report(state, args);
  if (args.values.json) process.stdout.write(`${JSON.stringify({ running: false, home })}\n`);
  else process.stdout.write(`fanout dev: not running on ${home}\n`);
  return Exit.failed;
}

/** Drains and stops it: SIGTERM, then SIGKILL if it has not gone after the grace. */
async function stop(home: string): Promise<ExitCode> {
  const state = await runningDev(home);
  if (!state) {
    process.stdout.write(`fanout dev: not running on ${home}\n`);
    return Exit.ok;
  }
  process.kill(state.pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(state.pid) && Date.now() < deadline) await sleep(POLL_MS);
  if (isAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
  // Gone: whatever files it left are stale now, and this removes them.
  while (isAlive(state.pid)) await sleep(POLL_MS);
  await runningDev(home);
  process.stdout.write(`fanout dev: stopped (pid ${state.pid})\n`);
  return Exit.ok;
}

/**
 * The background process itself: holds the home's lock, runs an embedded Fanout on the
 * home's store, says where it is in the state file, and on SIGTERM or SIGINT drains and
 * takes its files away.
 */
async function serve(args: Args, home: string): Promise<ExitCode> {
  const release = await lockHome(home);
  const paths = devPaths(home);
  try {
    const prefix = args.values.prefix ?? process.env['FANOUT_SUBJECT_PREFIX'] ?? 'fanout';
    const [{ startEmbeddedFanout }, { FanoutClient }, { serveControl }] = await Promise.all([
      import('../embedded/embedded-fanout'),
      import('@fanout/client'),
      import('../dev/dev-control'),
    ]);
    const embedded = await startEmbeddedFanout(prefix, { natsDir: paths.nats, gateway: true });
    const stopping = Promise.race([once(process, 'SIGTERM'), once(process, 'SIGINT')]);
    const client = await FanoutClient.connect({ natsUrl: embedded.natsUrl, prefix });
    // A Unix socket's path has a small limit (about 100 bytes): a deeper home goes without.
    const control =
      Buffer.byteLength(paths.socket) < MAX_SOCKET_PATH
        ? await serveControl(paths.socket, client)
        : undefined;
    const state: DevState = {
      pid: process.pid,
      natsUrl: embedded.natsUrl,
      prefix,
      home,
      startedAt: new Date().toISOString(),
      log: paths.log,
      ...(control ? { socket: paths.socket } : {}),
      ...(embedded.uiUrl ? { uiUrl: embedded.uiUrl } : {}),
    };
    await writeState(state);
    process.stderr.write(`fanout dev: ready on ${state.natsUrl} (prefix ${prefix})\n`);
    await stopping;
    process.stderr.write('fanout dev: stopping\n');
    await rm(paths.state, { force: true });
    await control?.close();
    await rm(paths.socket, { force: true });
    await client.close();
    await embedded.stop();
  } finally {
    await release();
  }
  return Exit.ok;
}

function report(state: DevState, args: Args): ExitCode {
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify({ running: true, ...state })}\n`);
  } else {
    process.stdout.write(
      `fanout dev: running (pid ${state.pid}) on ${state.natsUrl}, prefix ${state.prefix}, since ${state.startedAt}\n` +
        `  home ${state.home}, log ${state.log}\n` +
        (state.uiUrl ? `  dashboard ${state.uiUrl}\n` : ''),
    );
  }
  return Exit.ok;
}

/** `fanout dev` could not start: the message ends with what its log said. */
export class DevNotReadyError extends Error {
  constructor(message: string) {
    super(`fanout dev ${message}`);
    this.name = 'DevNotReadyError';
  }
}

/** The last lines of the log, for a start that failed. */
async function tail(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-20).join('\n');
}
