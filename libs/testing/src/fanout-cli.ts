import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { childEnv, startProcess, workspaceRoot, type ServiceProcess } from './services.ts';

/** The real `fanout` launcher, as `npx fanout` runs it. */
const LAUNCHER = join(workspaceRoot, 'apps/cli/bin/fanout.mjs');

/** What one run of the `fanout` command did. */
export interface FanoutRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `fanout <args>` to its end as a process, from the repository root, with `env` over
 * this process's environment (a value of `undefined` removes a variable: `NATS_URL`, to
 * get the embedded mode), on this process's Node unless `node` names another binary.
 */
export function runFanout(
  args: string[],
  env: Record<string, string | undefined> = {},
  { node = process.execPath }: { node?: string } = {},
): Promise<FanoutRun> {
  const child = spawn(node, [LAUNCHER, ...args], {
    cwd: workspaceRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // Decoded as a stream: a character split between two chunks stays whole.
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** Starts a long-running `fanout` (e.g. `fanout up`), ready once it prints `readyLine`. */
export function startFanout(
  args: string[],
  readyLine: RegExp,
  env: Record<string, string | undefined> = {},
): ServiceProcess {
  return startProcess('fanout', [LAUNCHER, ...args], readyLine, env);
}
