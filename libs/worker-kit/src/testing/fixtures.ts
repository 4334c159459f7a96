import {
  connectNats,
  ensureTopology,
  natsConfigFromEnv,
  TaskQueue,
  type TopologyInput,
} from '@fanout/messaging';
import { subjects, type Subjects, type TaskEnvelope } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Connection } from '../transport-types';
import { Worker } from '../worker';
import type { WorkerLogger, WorkerOptions } from '../worker-options';

export { ReportLog } from './report-log';

/**
 * Helpers for this library's integration specs (not exported): connections, fresh
 * prefixes, envelopes and workers that are drained when the test ends; the reader of the
 * reports is `ReportLog`, shared with the worker apps' specs.
 */

/** A spec file's server and connection, and the steps to undo after each test. */
export interface NatsHarness {
  readonly nats: NatsServer;
  readonly connection: Connection;
  /** Run in reverse after each test: stop readers, drain workers, … */
  readonly cleanup: (() => Promise<unknown>)[];
}

/**
 * Registers the hooks every worker spec needs: a nats-server and a connection for the
 * file, the cleanup steps after each test, and everything closed at the end. Read the
 * fields inside tests, once `beforeAll` has run.
 */
export function natsHarness(): NatsHarness {
  const harness = { cleanup: [] } as unknown as {
    nats: NatsServer;
    connection: Connection;
    cleanup: (() => Promise<unknown>)[];
  };
  beforeAll(async () => {
    harness.nats = await startNats();
    harness.connection = await connectTo(harness.nats.url);
  });
  afterEach(async () => {
    for (const step of harness.cleanup.splice(0).reverse()) await step();
  });
  afterAll(async () => {
    await harness.connection?.close();
    await harness.nats?.stop();
  });
  return harness;
}

let counter = 0;

/** A NATS connection through messaging, as a service would make it. */
export function connectTo(url: string): Promise<Connection> {
  return connectNats(natsConfigFromEnv({ NATS_URL: url }));
}

/** A prefix no other test uses, with its streams made, so tests on one server never meet. */
export async function freshNames(
  connection: Connection,
  name: string,
  topology: TopologyInput = {},
): Promise<Subjects> {
  counter++;
  const names = subjects(`wk${counter}${name.replace(/[^a-z0-9]/g, '')}${process.pid}`);
  await ensureTopology(connection, { ...topology, prefix: names.prefix });
  return names;
}

/** A valid attempt of `noop`; `n` makes the task id unique. */
export { envelope } from '@fanout/messaging/testing';

/** Puts attempts on their queues. */
export async function dispatch(connection: Connection, names: Subjects, ...tasks: TaskEnvelope[]) {
  const queue = new TaskQueue(connection, names);
  for (const task of tasks) await queue.dispatch(task);
}

/** A logger that keeps every line, for tests that look for a warning. */
export function memoryLogger(): WorkerLogger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log: (message) => lines.push(`log ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
    error: (message, error) => lines.push(`error ${message}: ${String(error)}`),
  };
}

/** Fast timing for tests: short heartbeats and ack wait, quick vitals. */
export const FAST = { heartbeatMs: 200, ackWaitMs: 2_000, vitalsMs: 200 } as const;

/** Starts a worker; `cleanup` drains it (no grace) when the test ends. */
export async function startWorker(
  options: WorkerOptions,
  cleanup: (() => Promise<unknown>)[],
): Promise<Worker> {
  const worker = new Worker({
    logger: memoryLogger(),
    ...options,
    timing: { ...FAST, ...options.timing },
  });
  cleanup.push(() => worker.drain(0));
  await worker.start();
  return worker;
}

/** A promise with its resolver, for a tool that waits until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
