import { mkdtemp, rm, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FanoutClient } from '@fanout/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../exit-codes';
import { callThroughDev } from './dev-call';
import { serveControl } from './dev-control';

/** What the dev's client was asked to run; it answers as `answer` says. */
function recordingClient(answer: () => Promise<unknown>) {
  const calls: unknown[][] = [];
  const client = {
    call: (...args: unknown[]) => {
      calls.push(args);
      return answer();
    },
  } as unknown as FanoutClient;
  return { client, calls };
}

/** Raw bytes to the socket, the reply as text. */
function sendRaw(socket: string, body: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const connection = connect(socket);
    connection.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    connection.on('end', () => resolve(text));
    connection.on('error', reject);
    connection.end(body);
  });
}

describe('the control socket of fanout dev', () => {
  let dir: string;
  let socket: string;
  let close: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fanout-control-'));
    socket = join(dir, 'dev.sock');
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  const serve = async (answer: () => Promise<unknown>) => {
    const recording = recordingClient(answer);
    close = (await serveControl(socket, recording.client)).close;
    return recording;
  };

  it('runs a call through its client and hands the outcome back; only its user may connect', async () => {
    const outcome = { status: 'succeeded', result: { files: ['src/cli.ts'] } };
    const { calls } = await serve(async () => outcome);
    expect((await stat(socket)).mode & 0o777).toBe(0o600);
    const input = { root: 'apps/cli', patterns: ['src/cli.ts'] };
    await expect(
      callThroughDev(socket, { tool: 'code.glob', input, priority: 1, timeoutMs: 5_000 }),
    ).resolves.toEqual(outcome);
    expect(calls).toEqual([['code.glob', input, { priority: 1, timeoutMs: 5_000 }]]);
  });

  it('checks the call as fanout call would: a misfit is a usage error naming the field', async () => {
    const { calls } = await serve(async () => ({ status: 'succeeded' }));
    const misfit = callThroughDev(socket, { tool: 'code.glob', input: { patternz: ['x'] } });
    await expect(misfit).rejects.toBeInstanceOf(UsageError);
    await expect(misfit).rejects.toThrow('unknown key "patternz"');
    await expect(callThroughDev(socket, { tool: 'code.globb', input: {} })).rejects.toThrow(
      UsageError,
    );
    expect(calls).toEqual([]);
  });

  it('answers what is not a call with what a call is, and goes on serving', async () => {
    const { calls } = await serve(async () => ({ status: 'succeeded' }));
    expect(JSON.parse(await sendRaw(socket, '{"tool": 42'))).toEqual({
      usage: expect.stringContaining('the call is not JSON'),
    });
    expect(
      JSON.parse(await sendRaw(socket, '{"tool":"code.glob","input":{},"priority":7}')),
    ).toEqual({ usage: 'priority is 0 (highest) to 4' });
    // One byte over the limit: refused without reading on.
    const tooLarge = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
    expect(JSON.parse(await sendRaw(socket, tooLarge))).toEqual({
      usage: `a call is at most ${16 * 1024 * 1024} bytes`,
    });
    expect(calls).toEqual([]);
    const input = { root: '.', patterns: ['*'] };
    await expect(callThroughDev(socket, { tool: 'code.glob', input })).resolves.toEqual({
      status: 'succeeded',
    });
  });

  it("gives a failure to run the call under the error's own name, so the exit code is the same", async () => {
    const timeout = Object.assign(new Error('no result after 5000 ms'), { name: 'TimeoutError' });
    await serve(() => Promise.reject(timeout));
    const failed = callThroughDev(socket, {
      tool: 'code.glob',
      input: { root: '.', patterns: ['*'] },
    });
    await expect(failed).rejects.toThrow(
      'fanout dev could not run the call: no result after 5000 ms',
    );
    await expect(failed).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('says so when no dev answers on the socket', async () => {
    const missing = callThroughDev(join(dir, 'none.sock'), { tool: 'code.glob', input: {} });
    await expect(missing).rejects.toMatchObject({ name: 'ConnectionError' });
    await expect(missing).rejects.toThrow(/fanout dev did not answer on .*none\.sock/);
  });
});
