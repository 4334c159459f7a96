import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { recordingNatsServer, runFanout } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface DevState {
  running: boolean;
  pid: number;
  natsUrl: string;
  prefix: string;
  home: string;
  uiUrl?: string;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Raw bytes to the dev's control socket, as any local program could send them; its reply. */
function sendRaw(socketPath: string, body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let text = '';
    const connection = connect(socketPath);
    connection.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    connection.on('end', () => resolve(JSON.parse(text)));
    connection.on('error', reject);
    connection.end(body);
  });
}

async function gone(pid: number): Promise<void> {
  while (alive(pid)) await sleep(20);
}

describe('fanout dev: a local Fanout that stays up', () => {
  let dir: string;
  let home: string;
  /** No NATS URL and no prefix: the commands must find the dev on their own. */
  let env: Record<string, string | undefined>;
  let workflow: string;

  const dev = async (...args: string[]) => {
    const run = await runFanout(['dev', ...args, '--json'], env);
    return { ...run, state: JSON.parse(run.stdout) as DevState };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-dev-e2e-'));
    home = join(dir, 'home');
    env = { NATS_URL: undefined, FANOUT_SUBJECT_PREFIX: undefined, FANOUT_HOME: home };
  });
  afterAll(async () => {
    await runFanout(['dev', 'stop'], env);
    await rm(dir, { recursive: true, force: true });
  });

  it('starts in the background and returns; status says where; a second start starts nothing', async () => {
    const started = await dev();
    expect(started.code, started.stderr).toBe(0);
    expect(started.state).toMatchObject({ running: true, prefix: 'fanout', home });
    expect(started.state.natsUrl).toMatch(/^nats:\/\/127\.0\.0\.1:\d+$/);
    expect(alive(started.state.pid)).toBe(true);
    // It serves the dashboard too, where its state says.
    const ui = started.state.uiUrl;
    expect(ui).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${ui}/api/workflows`)).status).toBe(200);

    const status = await dev('status');
    expect(status.code).toBe(0);
    expect(status.state).toEqual(started.state);

    const again = await dev();
    expect(again.code).toBe(0);
    expect(again.state.pid).toBe(started.state.pid);
    expect(again.stderr).toContain('already running');
  });

  it('is what call, submit and status use without --nats: nothing is embedded', async () => {
    const nats = await recordingNatsServer(dir, 'call');
    const input = JSON.stringify({ root: 'apps/cli', patterns: ['src/cli.ts'] });
    const call = await runFanout(['call', 'code.glob', '--input', input, '--json'], {
      ...env,
      ...nats.env,
    });
    expect(call.code, call.stderr).toBe(0);
    expect(JSON.parse(call.stdout)).toMatchObject({ result: { files: ['src/cli.ts'] } });
    expect(call.stderr).not.toContain('embedded');
    expect(nats.started()).toBe(false);

    // Handed to the dev, the call is still checked: the field is named, exit 2.
    const bad = await runFanout(
      ['call', 'code.glob', '--input', JSON.stringify({ root: 'apps/cli', patternz: ['x'] })],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown key "patternz"');
    // What is not a call at all gets an answer that says what a call is, and the dev goes on.
    const { state: running } = await dev('status');
    const garbage = await sendRaw(join(home, 'dev.sock'), '{"tool": 42');
    expect(garbage).toEqual({ usage: expect.stringContaining('the call is not JSON') });
    const notACall = await sendRaw(join(home, 'dev.sock'), '{"tool": "code.glob"}');
    expect(notACall).toEqual({ usage: 'a call is {"tool": "<name>", "input": {…}}' });
    expect(alive(running.pid)).toBe(true);

    const file = join(dir, 'one-glob.yaml');
    await writeFile(
      file,
      'phases:\n  - id: find\n    tasks:\n      - { id: cli, tool: code.glob, input: { root: apps/cli, patterns: [src/cli.ts] } }\n',
    );
    const submit = await runFanout(['submit', file], env);
    expect(submit.code, submit.stderr).toBe(0);
    workflow = submit.stdout.trim();
    // On the dev's own server, named outright: the submit went there.
    const { state } = await dev('status');
    const status = await runFanout(['status', workflow, '--nats', state.natsUrl], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(workflow);
  });

  it('keeps its store under FANOUT_HOME across a stop and a start', async () => {
    const { state: before } = await dev('status');
    const stop = await runFanout(['dev', 'stop'], env);
    expect(stop.code, stop.stderr).toBe(0);
    expect(alive(before.pid)).toBe(false);
    expect(existsSync(join(home, 'dev.json'))).toBe(false);
    expect((await dev('status')).code).toBe(1);

    const started = await dev();
    expect(started.code, started.stderr).toBe(0);
    expect(started.state.pid).not.toBe(before.pid);
    const status = await runFanout(['status', workflow], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(workflow);
  });

  it('cleans up after one killed outright, and the commands go back to embedding', async () => {
    const { state } = await dev('status');
    process.kill(state.pid, 'SIGKILL');
    await gone(state.pid);
    const status = await dev('status');
    expect(status.code).toBe(1);
    expect(status.state).toEqual({ running: false, home });
    expect(existsSync(join(home, 'dev.json'))).toBe(false);
    expect(existsSync(join(home, 'dev.lock'))).toBe(false);

    const nats = await recordingNatsServer(dir, 'fallback');
    const input = JSON.stringify({ root: 'apps/cli', patterns: ['src/cli.ts'] });
    const call = await runFanout(['call', 'code.glob', '--input', input, '--json'], {
      ...env,
      ...nats.env,
    });
    expect(call.code, call.stderr).toBe(0);
    expect(nats.started()).toBe(true);
  });

  it('runs once per home: of two started at once, both answer with the one that runs', async () => {
    const other = { ...env, FANOUT_HOME: join(dir, 'raced') };
    const [a, b] = await Promise.all([
      runFanout(['dev', '--json'], other),
      runFanout(['dev', '--json'], other),
    ]);
    try {
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const pids = [a, b].map((run) => (JSON.parse(run.stdout) as DevState).pid);
      expect(pids[0]).toBe(pids[1]);
      expect((await readFile(join(dir, 'raced', 'dev.lock'), 'utf8')).trim()).toBe(String(pids[0]));
    } finally {
      await runFanout(['dev', 'stop'], other);
    }
  });
});
