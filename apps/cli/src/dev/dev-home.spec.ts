import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { devHome, devPaths, lockHome, runningDev, writeState, type DevState } from './dev-home';

/** The pid of a process that has come and gone. */
const deadPid = () => spawnSync('true').pid;

describe('a fanout dev home', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'fanout-dev-home-'));
  });
  afterEach(() => rm(home, { recursive: true, force: true }));

  const state = (pid: number): DevState => ({
    pid,
    natsUrl: 'nats://127.0.0.1:4999',
    prefix: 'fanout',
    home,
    startedAt: '2026-12-03T00:00:00.000Z',
    log: devPaths(home).log,
  });

  it('is FANOUT_HOME, else ~/.fanout', () => {
    expect(devHome({ FANOUT_HOME: '/srv/fanout' })).toBe('/srv/fanout');
    expect(devHome({})).toMatch(/\.fanout$/);
  });

  it('holds one lock: a second taker is told who holds it, and may take it once let go', async () => {
    const release = await lockHome(home);
    await expect(lockHome(home, process.pid + 1)).rejects.toThrow(
      `a fanout dev already runs on ${home} (pid ${process.pid})`,
    );
    await release();
    expect(existsSync(devPaths(home).lock)).toBe(false);
    const again = await lockHome(home, process.pid);
    await again();
  });

  it('takes over a lock whose process is gone', async () => {
    await writeFile(devPaths(home).lock, String(deadPid()));
    const release = await lockHome(home);
    expect(await readFile(devPaths(home).lock, 'utf8')).toBe(String(process.pid));
    await release();
  });

  it('reads a running state back, and removes a stale one with its lock', async () => {
    await writeState(state(process.pid));
    expect(await runningDev(home)).toEqual(state(process.pid));

    const dead = deadPid();
    await writeState(state(dead));
    await writeFile(devPaths(home).lock, String(dead));
    expect(await runningDev(home)).toBeUndefined();
    expect(existsSync(devPaths(home).state)).toBe(false);
    expect(existsSync(devPaths(home).lock)).toBe(false);
  });

  it('says which file is not a state, rather than guessing', async () => {
    await writeFile(devPaths(home).state, 'not json');
    await expect(runningDev(home)).rejects.toThrow(
      `${devPaths(home).state} is not a fanout dev state`,
    );
  });
});
