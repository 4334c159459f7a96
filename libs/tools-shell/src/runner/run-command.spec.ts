import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ShellErrorCode } from '../errors';
import type { Sandbox } from '../sandbox/resolve-sandbox';
import { commandEnv } from '../sandbox/environment';
import {
  bashRun,
  drain,
  processesMarked,
  rejection,
  streamText,
  tempWorkspace,
} from '../testing/fixtures';
import { ExecaSpawner } from './execa-spawner';
import { LauncherSpawner } from './launcher-spawner';
import { runCommand, runToEnd } from './run-command';
import type { Spawner } from './spawner';

const WEAK: Sandbox = { kind: 'process-group', reason: 'these tests run without the sandbox' };
const workspace = tempWorkspace();
afterAll(() => workspace.cleanup());

/** Each spawner must keep the same promises; the launcher is the default, execa the fallback. */
const spawners: [string, Spawner][] = [
  ['the perl launcher', new LauncherSpawner()],
  ['execa', new ExecaSpawner()],
];

describe.each(spawners)('runCommand through %s, in the process-group mode', (_, spawner) => {
  const run = (script: string, more: Parameters<typeof bashRun>[3] = {}) =>
    bashRun(script, workspace.dir, WEAK, { spawner, ...more });

  it('streams stdout and stderr in the order they were written, with timestamps', async () => {
    const before = Date.now();
    const { chunks, result } = await drain(
      runCommand(run('echo one; sleep 0.1; echo two >&2; sleep 0.1; echo three')),
    );
    expect(chunks.map((chunk) => [chunk.stream, chunk.text])).toEqual([
      ['stdout', 'one\n'],
      ['stderr', 'two\n'],
      ['stdout', 'three\n'],
    ]);
    const times = chunks.map((chunk) => chunk.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(before);
    expect(result).toMatchObject({
      exitCode: 0,
      signal: null,
      stdout: 'one\nthree\n',
      stderr: 'two\n',
      truncated: false,
    });
  });

  it('reports the exit code, and the signal that ended a process', async () => {
    expect((await runToEnd(run('exit 7'))).exitCode).toBe(7);
    const killed = await runToEnd(run('kill -USR1 $$'));
    expect(killed).toMatchObject({ exitCode: null, signal: 'SIGUSR1' });
  });

  it('applies the rlimits to the command', async () => {
    const result = await runToEnd(
      run('ulimit -n; ulimit -t; ulimit -c', { limits: { openFiles: 321, cpuSeconds: 42 } }),
    );
    expect(result.stdout).toBe('321\n42\n0\n');
  });

  it('sends SIGTERM on timeout, and the command may use its grace', async () => {
    const result = await runToEnd(
      run('trap "echo got-term; exit 0" TERM; echo ready; sleep 30 & wait', {
        timeoutMs: 500,
        killGraceMs: 5_000,
      }),
    );
    expect(result.timedOut).toBe(true);
    expect(result.stdout).toBe('ready\ngot-term\n');
    expect(result.durationMs).toBeLessThan(5_000);
  });

  it('kills the whole group with SIGKILL when TERM is ignored, leaving nothing running', async () => {
    const marker = `FANOUT_TEST_MARK=${randomUUID()}`;
    const env = { ...commandEnv({}), FANOUT_TEST_MARK: marker.split('=')[1]! };
    const result = await runToEnd(
      run('trap "" TERM; sleep 30 & sleep 30 & wait', { timeoutMs: 300, killGraceMs: 300, env }),
    );
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: 'SIGKILL' });
    expect(result.durationMs).toBeLessThan(5_000);
    expect(processesMarked(marker)).toEqual([]);
  });

  it('kills background jobs the command left behind when it ends', async () => {
    const marker = `FANOUT_TEST_MARK=${randomUUID()}`;
    const env = { ...commandEnv({}), FANOUT_TEST_MARK: marker.split('=')[1]! };
    const result = await runToEnd(
      run('sleep 60 & (sleep 60 &); nohup sleep 60 >/dev/null 2>&1 & echo started', { env }),
    );
    expect(result.stdout).toBe('started\n');
    expect(processesMarked(marker)).toEqual([]);
  });

  it('cuts output at the cap, flags it, and streams no more than it keeps', async () => {
    const { chunks, result } = await drain(
      runCommand(
        run("head -c 3000000 /dev/zero | tr '\\0' a; echo after >&2", { maxOutputBytes: 100_000 }),
      ),
    );
    expect(result.truncated).toBe(true);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length + result.stderr.length).toBe(100_000);
    expect(streamText(chunks, 'stdout').length + streamText(chunks, 'stderr').length).toBe(100_000);
  });

  it('on abort, kills the group and throws CANCELLED', async () => {
    const marker = `FANOUT_TEST_MARK=${randomUUID()}`;
    const env = { ...commandEnv({}), FANOUT_TEST_MARK: marker.split('=')[1]! };
    const controller = new AbortController();
    const running = runCommand(
      run('echo ready; sleep 30 & sleep 30', { env, signal: controller.signal }),
    );
    const first = await running.next();
    expect(first.value).toMatchObject({ stream: 'stdout', text: 'ready\n' });
    controller.abort(new Error('the task was cancelled'));
    const error = await rejection(drain(running));
    expect(error.code).toBe(ShellErrorCode.Cancelled);
    expect(processesMarked(marker)).toEqual([]);
  });

  it('kills the group at once when the caller stops reading', async () => {
    const marker = `FANOUT_TEST_MARK=${randomUUID()}`;
    const env = { ...commandEnv({}), FANOUT_TEST_MARK: marker.split('=')[1]! };
    const running = runCommand(run('echo ready; sleep 30', { env }));
    await running.next();
    await running.return(undefined as never);
    expect(processesMarked(marker)).toEqual([]);
  });
});
