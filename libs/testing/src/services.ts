import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root, where `apps/<name>/src/main.ts` lives. */
export const workspaceRoot = join(import.meta.dirname, '..', '..', '..');

/** The line each service logs once it is ready for work. */
const READY: Record<string, RegExp> = {
  orchestrator: /microservice successfully started/,
  monitor: /monitor is watching/,
  'codebase-worker': /is taking tasks/,
  'bash-worker': /is taking tasks/,
  'web-worker': /is taking tasks/,
  'agent-worker': /is taking tasks/,
  gateway: /dashboard on http/,
};

/** How to start one service: extra environment and Node flags. */
export interface ServiceOptions {
  env?: Record<string, string>;
  nodeArgs?: string[];
}

/** One Fanout service running as a real child process, as it runs in production. */
export interface ServiceProcess {
  readonly pid: number | undefined;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Resolves once it logged its ready line; rejects if it exits first or takes too long. */
  ready(timeoutMs?: number): Promise<void>;
  /** Sends `signal` (SIGKILL by default: a crash) and resolves with its exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/**
 * Starts `apps/<name>/src/main.ts` under tsx against `natsUrl` and `prefix`. Every test
 * that runs services as processes — crashes, takeovers, drains, the CLI — starts them here.
 */
export function startService(
  natsUrl: string,
  prefix: string,
  name: string,
  options: ServiceOptions = {},
): ServiceProcess {
  const main = join(workspaceRoot, `apps/${name}/src/main.ts`);
  return startProcess(name, [...(options.nodeArgs ?? []), '--import', 'tsx', main], READY[name], {
    NATS_URL: natsUrl,
    FANOUT_SUBJECT_PREFIX: prefix,
    ...options.env,
  });
}

/**
 * Starts a Node program of the repository (`node ...argv` from its root, with `env` over
 * this process's environment) as a {@link ServiceProcess} that is ready once its output
 * matches `readyLine`.
 */
export function startProcess(
  label: string,
  argv: string[],
  readyLine: RegExp | undefined,
  env: Record<string, string | undefined> = {},
): ServiceProcess {
  const child = spawn(process.execPath, argv, {
    cwd: workspaceRoot,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const read = (chunk: Buffer) => (output += chunk.toString());
  child.stdout.on('data', read);
  child.stderr.on('data', read);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const ready = (timeoutMs = 40_000) =>
    new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (readyLine?.test(output)) done(resolve);
      }, 25);
      const timer = setTimeout(
        () =>
          done(() => reject(new Error(`${label} did not start in ${timeoutMs} ms:\n${output}`))),
        timeoutMs,
      );
      void exited.then((code) =>
        done(() => reject(new Error(`${label} exited with ${code}:\n${output}`))),
      );
      function done(settle: () => void) {
        clearInterval(poll);
        clearTimeout(timer);
        settle();
      }
    });
  return {
    pid: child.pid,
    output: () => output,
    ready,
    stop: async (signal = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * A `fanout dev` home no one runs: a command a test starts without a NATS URL must embed
 * its own Fanout, not find the one a developer runs on `~/.fanout`. A test of `fanout dev`
 * gives its own `FANOUT_HOME`.
 */
const NO_DEV_HOME = join(tmpdir(), `fanout-tests-no-dev-${process.pid}`);

/**
 * This process's environment with `overrides` on top; an `undefined` removes a variable.
 * `FANOUT_HOME` is a home with no `fanout dev` unless the overrides name one.
 */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, FANOUT_HOME: NO_DEV_HOME, ...overrides };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/** Several services started together. */
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
  const started = names.map((name) => startService(natsUrl, prefix, name));
  const stop = async () => {
    await Promise.all(started.map((service) => service.stop()));
  };
  try {
    await Promise.all(started.map((service) => service.ready(timeoutMs)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { output: () => started.map((service) => service.output()).join(''), stop };
}
