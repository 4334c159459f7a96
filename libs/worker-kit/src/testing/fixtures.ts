import {
  commandLevels,
  connectNats,
  decodeCommand,
  ensureTopology,
  natsConfigFromEnv,
  PriorityConsumer,
  TaskQueue,
  type TopologyInput,
} from '@fanout/messaging';
import { subjects, type ReportTask, type Subjects, type TaskEnvelope } from '@fanout/contracts';
import type { Connection } from '../transport-types';
import { Worker } from '../worker';
import type { WorkerLogger, WorkerOptions } from '../worker-options';

/**
 * Helpers for this library's integration specs (not exported): connections, fresh
 * prefixes, envelopes, a reader of the reports on the command bus, and workers that are
 * drained when the test ends.
 */

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

/** A valid attempt of `tool`; `n` makes the task id unique. */
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

/** Puts attempts on their queues. */
export async function dispatch(connection: Connection, names: Subjects, ...tasks: TaskEnvelope[]) {
  const queue = new TaskQueue(connection, names);
  for (const task of tasks) await queue.dispatch(task);
}

/**
 * Reads every `task.report` off the command bus (a work queue: reading takes them off, as
 * the orchestrator would), in the order they were stored.
 */
export class ReportLog {
  readonly reports: ReportTask[] = [];
  private constructor(private readonly consumer: PriorityConsumer) {}

  static async open(connection: Connection, names: Subjects): Promise<ReportLog> {
    const consumer = await PriorityConsumer.create(connection, {
      stream: names.streams.commands,
      levels: commandLevels(names, 'test_reports'),
      concurrency: 1,
      onError: () => undefined,
    });
    const log = new ReportLog(consumer);
    consumer.start(async (message) => {
      const command = decodeCommand(message);
      if (command.type === 'task.report') log.reports.push(command);
      message.ack();
    });
    return log;
  }

  /** Outcome kinds of one task's reports, in order. */
  kinds(taskId: string): string[] {
    return this.of(taskId).map((report) => report.outcome.kind);
  }

  of(taskId: string): ReportTask[] {
    return this.reports.filter((report) => report.taskId === taskId);
  }

  /** The succeeded or failed report of a task, if it came. */
  terminal(taskId: string): ReportTask | undefined {
    return this.of(taskId).find(
      (r) => r.outcome.kind === 'succeeded' || r.outcome.kind === 'failed',
    );
  }

  stop(): Promise<void> {
    return this.consumer.stop();
  }
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
