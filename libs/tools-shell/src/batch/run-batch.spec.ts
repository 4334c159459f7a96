import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CategoryLimiter } from '../classify/category-limiter';
import { ShellErrorCode } from '../errors';
import { rejection, tempWorkspace } from '../testing/fixtures';
import { createBashExec } from '../tool/bash-exec';
import type { BatchCommand } from './batch-options';
import { runBatch } from './run-batch';

/**
 * Scheduling is what is under test here, so commands run without the sandbox (its own
 * tests are in sandbox.spec.ts); they are real processes all the same, and every kind of
 * work gets the whole pool so that 16 really run at once.
 */
const tool = createBashExec({
  sandbox: 'off',
  limiter: new CategoryLimiter({
    limits: { build: 16, 'system-analysis': 16, git: 16, 'package-management': 16, 'process-management': 16, 'file-operations': 16, network: 16 },
  }),
});

let workspace: ReturnType<typeof tempWorkspace>;
beforeEach(() => {
  workspace = tempWorkspace();
});
afterEach(() => workspace.cleanup());

const at = (command: Omit<BatchCommand, 'cwd'>): BatchCommand => ({ ...command, cwd: workspace.dir });

/** Appends `start ID t` and `end ID t` (microseconds) to log, with some work between. */
const logged = (id: string) =>
  `echo "start ${id} \${EPOCHREALTIME/./}" >> log; sleep 0.05; echo "end ${id} \${EPOCHREALTIME/./}" >> log`;

function readLog(): Map<string, { start: number; end: number }> {
  const spans = new Map<string, { start: number; end: number }>();
  for (const line of readFileSync(join(workspace.dir, 'log'), 'utf8').trim().split('\n')) {
    const [edge, id, time] = line.split(' ');
    const span = spans.get(id!) ?? { start: 0, end: 0 };
    span[edge as 'start' | 'end'] = Number(time);
    spans.set(id!, span);
  }
  return spans;
}

describe('runBatch', () => {
  it('runs dependencies first, 16 at once', async () => {
    const commands: BatchCommand[] = [];
    for (let layer = 0; layer < 4; layer++) {
      for (let index = 0; index < 16; index++) {
        const id = `l${layer}-${index}`;
        const dependsOn = layer === 0 ? [] : [`l${layer - 1}-${index}`, `l${layer - 1}-${(index + 1) % 16}`];
        commands.push(at({ id, command: logged(id), dependsOn }));
      }
    }
    const report = await runBatch(commands, { concurrency: 16, tool });
    expect(report.ok).toBe(true);
    expect(report.peakRunning).toBe(16);
    const spans = readLog();
    for (const command of commands) {
      for (const dependency of command.dependsOn!) {
        expect(spans.get(command.id)!.start).toBeGreaterThan(spans.get(dependency)!.end);
      }
    }
  });

  it('never runs two commands holding one lock at once, under 16-way parallelism', async () => {
    const guarded = (id: string) =>
      `mkdir held 2>/dev/null || echo ${id} >> violations; sleep 0.02; rmdir held; ${logged(id)}`;
    const commands = Array.from({ length: 48 }, (_, index) =>
      index % 3 === 0
        ? at({ id: `locked-${index}`, command: guarded(`locked-${index}`), locks: ['shared'] })
        : at({ id: `free-${index}`, command: logged(`free-${index}`) }),
    );
    const report = await runBatch(commands, { concurrency: 16, tool });
    expect(report.ok).toBe(true);
    expect(report.peakRunning).toBe(16);
    expect(() => readFileSync(join(workspace.dir, 'violations'), 'utf8')).toThrow(/ENOENT/);
    const locked = [...readLog()].filter(([id]) => id.startsWith('locked')).map(([, span]) => span);
    locked.sort((a, b) => a.start - b.start);
    for (let index = 1; index < locked.length; index++) {
      expect(locked[index]!.start).toBeGreaterThan(locked[index - 1]!.end);
    }
  });

  it('keeps lock holders of two batches running at once apart too', async () => {
    const batch = (name: string) =>
      Array.from({ length: 8 }, (_, index) =>
        at({ id: `${name}-${index}`, command: `mkdir held 2>/dev/null || echo x >> violations; sleep 0.02; rmdir held`, locks: ['dist'] }),
      );
    const reports = await Promise.all([runBatch(batch('a'), { tool }), runBatch(batch('b'), { tool })]);
    expect(reports.every((report) => report.ok)).toBe(true);
    expect(() => readFileSync(join(workspace.dir, 'violations'), 'utf8')).toThrow(/ENOENT/);
  });

  it('halt now: kills what runs and starts nothing more', async () => {
    const report = await runBatch(
      [
        at({ id: 'fails', command: 'exit 3' }),
        at({ id: 'long', command: 'sleep 30' }),
        at({ id: 'queued', command: 'true' }),
      ],
      { concurrency: 2, halt: 'now', tool },
    );
    expect(report.haltedBy).toBe('fails');
    expect(report.outcomes['fails']).toMatchObject({ status: 'failed', attempts: 1, result: { exitCode: 3 } });
    expect(report.outcomes['long']).toMatchObject({ status: 'cancelled' });
    expect(report.outcomes['queued']).toMatchObject({ status: 'skipped' });
    expect(report.durationMs).toBeLessThan(10_000);
  });

  it('halt soon: lets what runs finish and starts nothing more', async () => {
    const report = await runBatch(
      [
        at({ id: 'fails', command: 'exit 3' }),
        at({ id: 'running', command: 'sleep 0.3; echo finished' }),
        at({ id: 'queued', command: 'true' }),
      ],
      { concurrency: 2, halt: 'soon', tool },
    );
    expect(report.outcomes['running']).toMatchObject({ status: 'succeeded', result: { stdout: 'finished\n' } });
    expect(report.outcomes['queued']).toMatchObject({ status: 'skipped' });
  });

  it('halt never: runs everything that does not depend on the failure', async () => {
    const report = await runBatch(
      [
        at({ id: 'fails', command: 'exit 3' }),
        at({ id: 'other', command: 'true' }),
        at({ id: 'after', command: 'true', dependsOn: ['fails'] }),
        at({ id: 'after-after', command: 'true', dependsOn: ['after'] }),
      ],
      { concurrency: 1, halt: 'never', tool },
    );
    expect(report.ok).toBe(false);
    expect(report.outcomes['other']).toMatchObject({ status: 'succeeded' });
    expect(report.outcomes['after']).toEqual({ status: 'skipped', reason: 'its dependency "fails" did not succeed' });
    expect(report.outcomes['after-after']).toEqual({ status: 'skipped', reason: 'its dependency "after" was skipped' });
  });

  it('retries a failing command up to its retries', async () => {
    const flaky = 'n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; [ "$n" -ge 2 ]';
    const report = await runBatch([at({ id: 'flaky', command: flaky, retries: 2 })], { tool });
    expect(report.outcomes['flaky']).toMatchObject({ status: 'succeeded', attempts: 3 });
    const exhausted = await runBatch([at({ id: 'flaky', command: 'exit 1' })], { retries: 1, tool });
    expect(exhausted.outcomes['flaky']).toMatchObject({ status: 'failed', attempts: 2 });
  });

  it('does not retry a command the policy refused', async () => {
    const report = await runBatch([at({ id: 'bad', command: 'sudo true' })], { retries: 3, tool });
    const outcome = report.outcomes['bad'];
    expect(outcome).toMatchObject({ status: 'failed', attempts: 1 });
    expect((outcome as { error: { code: string } }).error.code).toBe(ShellErrorCode.DeniedByPolicy);
  });

  it('refuses a batch with a cycle or a dangling dependency, naming the commands', async () => {
    const cycle = rejection(
      runBatch(
        [
          { id: 'a', command: 'true', dependsOn: ['b'] },
          { id: 'b', command: 'true', dependsOn: ['a'] },
        ],
        { tool },
      ),
    );
    expect((await cycle).message).toBe('invalid batch: dependencies form a cycle among "a", "b"');
    const dangling = await rejection(runBatch([{ id: 'a', command: 'true', dependsOn: ['nope'] }], { tool }));
    expect(dangling).toMatchObject({ code: ShellErrorCode.InvalidInput, message: 'invalid batch: "a" depends on "nope", which is not in the batch' });
  });
});
