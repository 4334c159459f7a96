import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..', '..');

/** An orchestrator replica as a real child process, for crash and takeover tests. */
export interface OrchestratorProcess {
  child: ChildProcess;
  output(): string;
  /** kill -9: no goodbye, leases left to expire. */
  crash(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `apps/orchestrator/src/main.ts` under tsx against `natsUrl`. */
export function startOrchestrator(
  natsUrl: string,
  prefix: string,
  env: Record<string, string> = {},
): OrchestratorProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(workspaceRoot, 'apps/orchestrator/src/main.ts')],
    {
      cwd: workspaceRoot,
      env: { ...process.env, NATS_URL: natsUrl, FANOUT_SUBJECT_PREFIX: prefix, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, output: () => output, crash: () => end('SIGKILL'), stop: () => end('SIGTERM') };
}
