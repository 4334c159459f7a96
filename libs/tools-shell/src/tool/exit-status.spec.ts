import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toFanoutError } from '@fanout/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { ShellErrorCode } from '../errors';
import { probeBubblewrap } from '../sandbox/probe-bubblewrap';
import type { OutputChunk } from '../runner/output-collector';
import { context, drain, rejection, streamText, tempWorkspace } from '../testing/fixtures';
import { createBashExec } from './bash-exec';

const bubblewrap = await probeBubblewrap();
const workspace = tempWorkspace();
afterAll(() => workspace.cleanup());
const weak = createBashExec({ sandbox: 'off', killGraceMs: 200 });
const start = (input: Record<string, unknown>, tool = weak) =>
  tool({ cwd: workspace.dir, ...input } as never, context()) as AsyncGenerator<
    unknown,
    unknown,
    void
  >;
const call = (input: Record<string, unknown>) => drain(start(input));

describe('bash.exec, when the command fails', () => {
  it('fails a non-zero exit with EXIT_NONZERO, not retryable, after streaming its output', async () => {
    const chunks: OutputChunk[] = [];
    const streamed = async () => {
      const command = 'echo out; echo first >&2; echo last >&2; exit 3';
      for await (const chunk of start({ command })) chunks.push(chunk as OutputChunk);
    };
    const error = await rejection(streamed());
    expect(streamText(chunks, 'stdout')).toBe('out\n');
    expect(streamText(chunks, 'stderr')).toBe('first\nlast\n');
    expect(error).toMatchObject({ code: ShellErrorCode.ExitNonZero, retryable: false });
    expect(error.message).toBe(
      '`echo out; echo first >&2; echo last >&2; exit 3` exited with code 3; stderr ends: first ⏎ last',
    );
    const details = { exitCode: 3, signal: null, stdout: 'out\n', stderr: 'first\nlast\n' };
    expect(error).toMatchObject({ details: { ...details, truncated: false } });
    expect(toFanoutError(error)).toMatchObject({ code: 'EXIT_NONZERO', details });
  });

  it.each([
    ['grep finding nothing', 'grep -c absent a.txt', '0\n'],
    ['diff finding a difference', 'diff -q a.txt b.txt', 'Files a.txt and b.txt differ\n'],
  ])(
    'accepts %s (exit 1) when okExitCodes has 1, and fails it otherwise',
    async (_, command, stdout) => {
      writeFileSync(join(workspace.dir, 'a.txt'), 'a\n');
      writeFileSync(join(workspace.dir, 'b.txt'), 'b\n');
      const { result } = await call({ command, okExitCodes: [0, 1] });
      expect(result).toMatchObject({ exitCode: 1, signal: null, stdout });
      const error = await rejection(call({ command }));
      expect(error).toMatchObject({ code: ShellErrorCode.ExitNonZero, details: { exitCode: 1 } });
    },
  );

  it('fails a command killed by a signal, whatever okExitCodes says, naming the signal', async () => {
    const error = await rejection(call({ command: 'kill -USR1 $$', okExitCodes: [0, 1, 138] }));
    expect(error).toMatchObject({
      code: ShellErrorCode.ExitNonZero,
      details: { exitCode: null, signal: 'SIGUSR1' },
    });
    expect(error.message).toBe('`kill -USR1 $$` killed by SIGUSR1; stderr and stdout are empty');
  });

  it.skipIf(!bubblewrap.ok)(
    'in the sandbox, names the signal behind the 128 + N that bubblewrap reports',
    async () => {
      const sandboxed = createBashExec({ sandbox: 'required' });
      const error = await rejection(drain(start({ command: 'kill -USR1 $$' }, sandboxed)));
      expect(error).toMatchObject({ code: ShellErrorCode.ExitNonZero, details: { exitCode: 138 } });
      expect(error.message).toContain('exited with code 138 = 128 + SIGUSR1');
    },
  );

  it('fails a timeout with TIMEOUT, retryable, keeping what it printed until then', async () => {
    const error = await rejection(call({ command: 'echo started; sleep 30', timeoutMs: 300 }));
    expect(error).toMatchObject({
      code: ShellErrorCode.Timeout,
      retryable: true,
      details: { exitCode: null, signal: 'SIGTERM', stdout: 'started\n' },
    });
    expect(error.message).toBe(
      '`echo started; sleep 30` timed out after 300 ms (killed by SIGTERM); stderr is empty, stdout ends: started',
    );
  });

  it('fails a timeout with TIMEOUT even when the command exits 0 on its SIGTERM', async () => {
    const command = "trap 'echo bye; exit 0' TERM; sleep 30 & wait";
    const error = await rejection(call({ command, timeoutMs: 300 }));
    expect(error).toMatchObject({ code: ShellErrorCode.Timeout, details: { exitCode: 0 } });
    expect(error.message).toContain('timed out after 300 ms (exited with code 0)');
  });

  it('quotes the last three lines of stderr and the first line of the command', async () => {
    const command = 'for i in 1 2 3 4 5; do echo line$i >&2; done\nexit 1';
    const error = await rejection(call({ command }));
    expect(error.message).toBe(
      '`for i in 1 2 3 4 5; do echo line$i >&2; done…` exited with code 1; stderr ends: line3 ⏎ line4 ⏎ line5',
    );
  });

  it('keeps its output as capped, and says so', async () => {
    const capped = createBashExec({ sandbox: 'off', maxOutputBytes: 64 });
    const error = await rejection(drain(start({ command: 'seq 1000 >&2; exit 1' }, capped)));
    expect(error).toMatchObject({ details: { truncated: true, stderr: expect.any(String) } });
    expect((error as unknown as { details: { stderr: string } }).details.stderr.length).toBe(64);
    expect(error.message).toMatch(/stderr ends: .*\(output cut at the cap\)$/);
  });
});
