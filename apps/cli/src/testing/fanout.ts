import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { workspaceRoot } from '@fanout/testing';

/** What one run of the `fanout` command did. */
export interface FanoutRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `fanout` launcher (bin/fanout.mjs) as a process, from the repository root. */
export function fanout(args: string[], env: Record<string, string> = {}): Promise<FanoutRun> {
  const child = spawn(process.execPath, [join(workspaceRoot, 'apps/cli/bin/fanout.mjs'), ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}
