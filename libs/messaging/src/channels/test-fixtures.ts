import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { TaskEnvelope } from '@fanout/contracts';

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

/** A valid task attempt for tool `noop`; `n` makes the task id unique. */
export function envelope(n: number, overrides: Partial<TaskEnvelope> = {}): TaskEnvelope {
  const now = Date.now();
  return {
    workflowId: 'wf-1',
    taskId: `phase/task-${n}`,
    attempt: 1,
    tool: 'noop',
    input: { n },
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
