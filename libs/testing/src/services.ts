import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** The repository root, where `apps/<name>/src/main.ts` lives. */
export const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

/** The line each service logs once it is ready for work. */
const READY: Record<string, RegExp> = {
  orchestrator: /microservice successfully started/,
  'codebase-worker': /is taking tasks/,
  'bash-worker': /is taking tasks/,
};

/** Fanout services running as real child processes, as they run in production. */
export interface Services {
  output(): string;
  /** SIGKILLs every service and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts the named services against `natsUrl` and `prefix`, resolving once each is ready. */
export async function startServices(
  natsUrl: string,
  prefix: string,
  names: ReadonlyArray<string>,
  timeoutMs = 40_000,
): Promise<Services> {
  const children: ChildProcess[] = [];
  let output = '';
  const stop = async () => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return undefined;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        return exited;
      }),
    );
  };
  try {
    await Promise.all(
      names.map((name) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', join(workspaceRoot, `apps/${name}/src/main.ts`)],
          {
            cwd: workspaceRoot,
            env: { ...process.env, NATS_URL: natsUrl, FANOUT_SUBJECT_PREFIX: prefix },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
        children.push(child);
        return new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`${name} did not start in ${timeoutMs} ms:\n${output}`)),
            timeoutMs,
          );
          let own = '';
          const read = (chunk: Buffer) => {
            output += chunk.toString();
            own += chunk.toString();
            if (READY[name]?.test(own)) {
              clearTimeout(timer);
              resolve();
            }
          };
          child.stdout?.on('data', read);
          child.stderr?.on('data', read);
          child.once('exit', (code) =>
            reject(new Error(`${name} exited with ${code}:\n${output}`)),
          );
        });
      }),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { output: () => output, stop };
}
