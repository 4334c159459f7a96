import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../exit-codes';

// `fanout call` reads the state here and nothing else, and that read is synchronous (a few
// hundred bytes). Node's fs is taken with `process.getBuiltinModule`, its promises only when
// a function here writes or cleans up: an ES import of `node:fs/promises` (its module, and
// the thread pool its first read starts) would cost the call more than its read.
const fs = process.getBuiltinModule('node:fs');

/** What a running `fanout dev` writes for the commands that use it. */
export interface DevState {
  pid: number;
  natsUrl: string;
  prefix: string;
  home: string;
  startedAt: string;
  log: string;
  /** Where `fanout call` hands its calls (`serveControl`); absent when the home's path is too long for one. */
  socket?: string;
  /** Where its dashboard is served. */
  uiUrl?: string;
}

/** The files of a home: what runs there, who holds it, what it said, its store. */
export function devPaths(home: string) {
  return {
    state: join(home, 'dev.json'),
    lock: join(home, 'dev.lock'),
    log: join(home, 'dev.log'),
    nats: join(home, 'nats'),
    socket: join(home, 'dev.sock'),
  };
}

/** `FANOUT_HOME`, else `~/.fanout`: where `fanout dev` keeps its state and its store. */
export function devHome(env: NodeJS.ProcessEnv = process.env): string {
  return env['FANOUT_HOME'] || join(homedir(), '.fanout');
}

/** Whether a process with this id exists (one we may not signal counts). */
export function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The `fanout dev` running on `home`, or undefined. A state whose process is gone (killed,
 * the machine restarted) is stale: its files are removed here, so the next `fanout dev`
 * starts cleanly and no command tries a server that is not there.
 */
export async function runningDev(home: string): Promise<DevState | undefined> {
  const paths = devPaths(home);
  const state = readState(paths.state);
  if (!state) return undefined;
  if (isAlive(state.pid)) return state;
  await fs.promises.rm(paths.state, { force: true });
  await removeLockOf(paths.lock, state.pid);
  return undefined;
}

/** Writes the state whole or not at all: a reader never sees half a file. */
export async function writeState(state: DevState): Promise<void> {
  const { state: path } = devPaths(state.home);
  await fs.promises.writeFile(`${path}.${state.pid}`, `${JSON.stringify(state, null, 2)}\n`);
  await fs.promises.rename(`${path}.${state.pid}`, path);
}

/**
 * Makes this process the one `fanout dev` of `home`. The lock is a hard link to a file that
 * already holds our pid: linking fails if the lock exists, so of two starting at once
 * exactly one gets it, and a lock is never seen empty. A lock whose process is gone is
 * taken over. Returns how to let go.
 */
export async function lockHome(home: string, pid = process.pid): Promise<() => Promise<void>> {
  const { lock } = devPaths(home);
  await fs.promises.mkdir(home, { recursive: true });
  const mine = `${lock}.${pid}`;
  await fs.promises.writeFile(mine, String(pid));
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await fs.promises.link(mine, lock);
        return () => removeLockOf(lock, pid);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = await lockHolder(home);
        if (holder !== undefined) {
          throw new UsageError(`a fanout dev already runs on ${home} (pid ${holder})`);
        }
        await removeLockOf(
          lock,
          Number((await fs.promises.readFile(lock, 'utf8').catch(() => '')).trim()),
        );
      }
    }
    throw new UsageError(`could not take ${lock}: another fanout dev is starting on ${home}`);
  } finally {
    await fs.promises.rm(mine, { force: true });
  }
}

/** The live process holding the home's lock, if any. */
export async function lockHolder(home: string): Promise<number | undefined> {
  const holder = Number(
    (await fs.promises.readFile(devPaths(home).lock, 'utf8').catch(() => '')).trim(),
  );
  return isAlive(holder) ? holder : undefined;
}

function readState(path: string): DevState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as DevState;
  } catch {
    throw new UsageError(`${path} is not a fanout dev state (not JSON); delete it`);
  }
}

/** Removes the lock only if `pid` still holds it: never another's. */
async function removeLockOf(lock: string, pid: number): Promise<void> {
  const holder = (await fs.promises.readFile(lock, 'utf8').catch(() => '')).trim();
  if (holder === String(pid)) await fs.promises.rm(lock, { force: true });
}
