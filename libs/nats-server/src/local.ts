import { spawn, type ChildProcess } from 'node:child_process';
import { readdir, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { join, relative } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderConfig, type ClusterBlock } from './config.ts';
import { LogTail } from './log-tail.ts';
import { release, supervise } from './reaper.ts';
import type { NatsServer } from './types.ts';

/** How long a start may take before we give up and show the logs; generous for loaded CI. */
const START_TIMEOUT_MS = 20_000;
/** How long a SIGTERM'd server may take to flush JetStream before it gets SIGKILL. */
const STOP_GRACE_MS = 5_000;
const POLL_MS = 20;

/** What one of our nats-server processes is made of; fixed for its whole life. */
export interface LocalSpec {
  bin: string;
  /** Config, ports files and the store live here; stop() removes it unless `keep`. */
  dir: string;
  /** The dir is the caller's: left in place on stop() and when our process dies. */
  keep?: boolean;
  /** Client and monitor ports, from {@link pickPort}: fixed, so a restart finds them again. */
  port: number;
  httpPort: number;
  jetstream: boolean;
  maxPayload?: number;
  /** An absolute path: see `NatsServerOptions.include`. */
  include?: string;
  args: string[];
  cluster?: ClusterBlock;
  /** What the server must report, once it listens, before a start counts as done. */
  ready(server: LocalServer): Promise<boolean>;
}

/**
 * A nats-server process of ours that can die and come back as the same server: the same
 * ports and the same store dir on every start, which is exactly what reconnecting clients
 * and surviving streams need.
 */
export class LocalServer implements NatsServer {
  readonly canKill = true;
  readonly storeDir: string | undefined;
  readonly #spec: LocalSpec;
  readonly #tail = new LogTail();
  #child: ChildProcess | undefined;
  #exited: Promise<string> = Promise.resolve('never started');
  #stopped = false;

  constructor(spec: LocalSpec) {
    this.#spec = spec;
    this.storeDir = spec.jetstream ? join(spec.dir, 'store') : undefined;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.#spec.port}`;
  }
  get port(): number {
    return this.#spec.port;
  }
  get monitorUrl(): string {
    return `http://127.0.0.1:${this.#spec.httpPort}`;
  }
  get pid(): number | undefined {
    return this.#child?.pid;
  }
  /** Whether a process is up right now; the cluster counts these to know if a quorum can exist. */
  get running(): boolean {
    return this.#child !== undefined;
  }
  logs(): string[] {
    return this.#tail.lines();
  }

  /** Spawns the process and resolves once it listens and {@link LocalSpec.ready} holds. */
  async start(): Promise<void> {
    if (this.#stopped)
      throw this.#error('was stopped and its store deleted; start a new one instead');
    if (this.#child) return;
    const { bin, dir, args, port, httpPort, maxPayload, cluster } = this.#spec;
    const conf = join(dir, 'nats.conf');
    const include = this.#spec.include && relative(dir, this.#spec.include);
    const config = { port, httpPort, storeDir: this.storeDir, maxPayload, cluster, include };
    await writeFile(conf, renderConfig(config));
    const child = spawn(bin, ['-c', conf, '--ports_file_dir', dir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#exited = exitOf(child);
    void this.#exited.then((how) => {
      if (this.#child !== child) return;
      this.#child = undefined; // died on its own: say so in the logs a failing test prints
      this.#tail.push(`--- @fanout/nats-server: nats-server ${how} ---`);
    });
    supervise(child, this.#spec.keep ? undefined : dir);
    for (const out of [child.stdout, child.stderr]) {
      out?.setEncoding('utf8');
      out?.on('data', (chunk: string) => this.#tail.write(chunk));
      (out as Socket | null)?.unref();
    }
    child.unref();
    try {
      await this.#waitReady(child);
    } catch (error) {
      await this.kill();
      throw error;
    }
  }

  async kill(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    child.ref(); // unref'd so a forgotten server never holds the process open; awaited, it must
    child.kill(signal);
    const grace =
      signal === 'SIGTERM' ? setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS) : undefined;
    this.#child = undefined;
    const how = await this.#exited;
    clearTimeout(grace);
    this.#tail.push(`--- @fanout/nats-server: ${signal} sent; nats-server ${how} ---`);
  }

  async restart(): Promise<void> {
    await this.kill('SIGTERM');
    this.#tail.push(
      `--- @fanout/nats-server: restarting on port ${this.port} with the same store ---`,
    );
    await this.start();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.kill('SIGTERM');
    if (this.#spec.keep) return;
    await rm(this.#spec.dir, { recursive: true, force: true });
    release(this.#spec.dir);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  async #waitReady(child: ChildProcess): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    let exit: string | undefined;
    void this.#exited.then((how) => (exit = how));
    let listening = false;
    for (;;) {
      if (exit !== undefined) throw this.#error(`${exit} before it was ready`);
      if (Date.now() > deadline) throw this.#error(`was not ready after ${START_TIMEOUT_MS} ms`);
      if (!listening && child.pid !== undefined) listening = await this.#listening(child.pid);
      if (listening && (await this.#spec.ready(this))) return;
      await sleep(POLL_MS);
    }
  }

  /** The server writes `<name>_<pid>.ports` (`--ports_file_dir`) once it accepts clients. */
  async #listening(pid: number): Promise<boolean> {
    const files = await readdir(this.#spec.dir).catch(() => []);
    return files.some((f) => f.endsWith(`_${pid}.ports`));
  }

  #error(what: string): Error {
    return new Error(
      `nats-server on ${this.url} (config ${join(this.#spec.dir, 'nats.conf')}) ${what}. ` +
        `Its last log lines:\n${this.#tail.describe()}`,
    );
  }
}

/** Resolves, never rejects, with how the process ended, in words for an error message. */
function exitOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let spawned = false;
    child.once('spawn', () => (spawned = true));
    child.on('error', (e) => spawned || resolve(`could not be spawned (${e.message})`));
    child.once('exit', (code, signal) =>
      resolve(signal ? `was killed by ${signal}` : `exited with code ${code}`),
    );
  });
}
