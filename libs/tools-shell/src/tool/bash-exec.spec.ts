import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BashExec } from '@fanout/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { ShellErrorCode } from '../errors';
import { probeBubblewrap } from '../sandbox/probe-bubblewrap';
import { context, drain, rejection, tempWorkspace } from '../testing/fixtures';
import { createBashExec } from './bash-exec';

const workspace = tempWorkspace();
afterAll(() => workspace.cleanup());
const weak = createBashExec({ sandbox: 'off' });
const call = (tool: typeof weak, input: Record<string, unknown>) =>
  drain(
    tool({ cwd: workspace.dir, ...input } as never, context()) as AsyncGenerator<
      unknown,
      unknown,
      void
    >,
  );

describe('bash.exec', () => {
  it('streams output and returns exactly what the contract describes', async () => {
    const { chunks, result } = await call(weak, { command: 'echo out; echo err >&2' });
    expect(chunks).toEqual([
      { stream: 'stdout', at: expect.any(Number), text: 'out\n' },
      { stream: 'stderr', at: expect.any(Number), text: 'err\n' },
    ]);
    expect(BashExec.output.strict().parse(result)).toMatchObject({
      exitCode: 0,
      stdout: 'out\n',
      stderr: 'err\n',
    });
  });

  it('refuses a denied command with DENIED_BY_POLICY and the reason, not retryable', async () => {
    const error = await rejection(call(weak, { command: 'rm -rf ~' }));
    expect(error).toMatchObject({ code: ShellErrorCode.DeniedByPolicy, retryable: false });
    expect(error.message).toContain('`rm -rf ~`: recursive delete of / or a home directory');
  });

  it('refuses an escape that names no character with DENIED_BY_POLICY, not as an internal error', async () => {
    const error = await rejection(call(weak, { command: "echo $'\\UFFFFFFFF'" }));
    expect(error).toMatchObject({ code: ShellErrorCode.DeniedByPolicy, retryable: false });
    expect(error.message).toContain(
      'the escape `\\UFFFFFFFF` at line 1, column 8 names no character',
    );
  });

  it('asks for approval with NEEDS_APPROVAL', async () => {
    const error = await rejection(call(weak, { command: 'echo ls | sh' }));
    expect(error).toMatchObject({ code: ShellErrorCode.NeedsApproval });
  });

  it('refuses input its contract refuses, naming the field', async () => {
    const error = await rejection(call(weak, { command: 'true', timeoutMs: -5 }));
    expect(error).toMatchObject({ code: ShellErrorCode.InvalidInput });
    expect(error.message).toContain('timeoutMs');
  });

  it('refuses a cwd outside its workspace root, and / anywhere', async () => {
    const jailed = createBashExec({ sandbox: 'off', workspaceRoot: workspace.dir });
    mkdirSync(join(workspace.dir, 'pkg'), { recursive: true });
    expect((await call(jailed, { command: 'pwd', cwd: 'pkg' })).result).toMatchObject({
      stdout: `${join(workspace.dir, 'pkg')}\n`,
    });
    const outside = await rejection(call(jailed, { command: 'pwd', cwd: '/tmp' }));
    expect(outside.message).toContain('is outside the workspace root');
    const root = await rejection(call(weak, { command: 'pwd', cwd: '/' }));
    expect(root).toMatchObject({ code: ShellErrorCode.InvalidInput });
  });

  it("passes none of the worker's environment beyond PATH, HOME, LANG, TERM", async () => {
    const tool = createBashExec({
      sandbox: 'off',
      env: { PATH: process.env['PATH'], HOME: '/home/x', NATS_TOKEN: 'secret' },
    });
    const { result } = await call(tool, { command: 'env', env: { GIVEN: '1' } });
    const names = (result as { stdout: string }).stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => line.split('=')[0]);
    expect(names).not.toContain('NATS_TOKEN');
    expect(names).toEqual(expect.arrayContaining(['PATH', 'HOME', 'GIVEN']));
  });

  it('keeps calls holding the same lock apart across concurrent calls', async () => {
    const guarded = 'mkdir held 2>/dev/null || echo overlap; sleep 0.05; rmdir held';
    const results = await Promise.all(
      Array.from({ length: 6 }, () => call(weak, { command: guarded, locks: ['dist'] })),
    );
    for (const { result } of results) expect(result).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('runs in the sandbox unless told otherwise', async () => {
    const probe = await probeBubblewrap();
    const tool = createBashExec({ sandbox: 'auto', warn: () => undefined });
    const { result } = await call(tool, { command: 'hostname' });
    expect((result as { stdout: string }).stdout).toBe(
      probe.ok ? 'fanout-sandbox\n' : expect.any(String),
    );
  });
});
