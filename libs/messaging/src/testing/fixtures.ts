import { connect, type NatsConnection } from '@nats-io/transport-node';
import { subjects, type Subjects, type TaskEnvelope } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { ensureTopology } from '../topology/ensure-topology';

/**
 * Helpers for this folder's integration specs only (not exported by the library): a
 * connection that reconnects quickly, unique prefixes, and valid payloads.
 */

let counter = 0;

/** A subject prefix no other test uses, so tests on one server never see each other. */
export function uniquePrefix(name: string): string {
  counter++;
  return `t${counter}${name.replace(/[^a-z0-9]/g, '')}`;
}

/** A test connection: retries fast, so a restarted server is back within a test's patience. */
export function testConnection(url: string): Promise<NatsConnection> {
  return connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
}

/** A spec file's server, and each test's connection and streams under a prefix of its own. */
export interface ChannelHarness {
  readonly nats: NatsServer;
  readonly connection: NatsConnection;
  readonly names: Subjects;
  /** Run in reverse after each test, before its connection closes. */
  readonly cleanup: (() => Promise<unknown>)[];
}

/**
 * Registers the hooks a channel's spec needs: a nats-server for the file; for each test a
 * connection and a fresh prefix (`name` plus a counter) with its streams; after it, the
 * cleanup steps and the connection closed. Read the fields inside hooks and tests.
 */
export function channelHarness(name: string): ChannelHarness {
  const harness = { cleanup: [] } as unknown as {
    nats: NatsServer;
    connection: NatsConnection;
    names: Subjects;
    cleanup: (() => Promise<unknown>)[];
  };
  beforeAll(async () => {
    harness.nats = await startNats();
  });
  afterAll(async () => {
    await harness.nats?.stop();
  });
  beforeEach(async () => {
    harness.connection = await testConnection(harness.nats.url);
    harness.names = subjects(uniquePrefix(name));
    await ensureTopology(harness.connection, { prefix: harness.names.prefix });
  });
  afterEach(async () => {
    for (const step of harness.cleanup.splice(0).reverse()) await step();
    await harness.connection.close();
  });
  return harness;
}

/** A valid attempt of `noop` (what any worker may host); `n` makes the task id unique. */
export function envelope(n: number, overrides: Partial<TaskEnvelope> = {}): TaskEnvelope {
  const now = Date.now();
  return {
    workflowId: 'wf-1',
    taskId: `phase/task-${n}`,
    attempt: 1,
    tool: 'noop',
    input: {},
    priority: 2,
    dispatchedAt: now,
    deadline: now + 60_000,
    depth: 0,
    ...overrides,
  };
}

/** A promise with its resolver, for a handler that waits until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Simulated work inside a handler (not a wait for an assertion). */
export function work(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
