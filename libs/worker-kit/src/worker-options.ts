import { DELIVERY_DEFAULTS } from '@fanout/messaging';
import type { FanoutMetrics } from '@fanout/telemetry';
import type { Broadcast, Subjects, TaskEnvelope, ToolFunction } from '@fanout/contracts';
import type { AttemptInterceptor } from './interceptors/attempt-interceptor';
import type { Connection } from './transport-types';

/**
 * Any tool, whatever its input and output types: the worker validates the input against
 * the tool's contract before the call, so the registry need not know the types.
 */
export type AnyTool = ToolFunction<never, unknown, unknown>;

/** Tools a worker hosts, by catalogue name (`TOOLS` in `@fanout/contracts`). */
export type ToolRegistry = Readonly<Record<string, AnyTool>>;

/** Where the worker writes what it does; any logger with these methods fits (pino, Nest's). */
export interface WorkerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/** Intervals and delays of the worker; the defaults match the design's 5 s / 15 s rhythm. */
export interface WorkerTiming {
  /** `heartbeat` report (and the consumer's `working()`) while a task runs. Default 5 000. */
  heartbeatMs: number;
  /** Redelivery of a task whose worker went silent this long. Default 15 000. */
  ackWaitMs: number;
  /** `LoadSnapshot` and `ServiceHeartbeat` publishing. Default 5 000. */
  vitalsMs: number;
  /**
   * A `started` report is sent only if the tool is still running after this long (0: always
   * sent). Most grep/read calls end within it, and the engine accepts a success without a
   * start, so this halves the reports of a busy worker. Default 100.
   */
  startedAfterMs: number;
  /** After aborting a tool, how long to wait for it to stop before giving up on it. Default 1 000. */
  abortGraceMs: number;
  /** How long a cancel broadcast is remembered, to refuse its tasks still queued. Default 600 000. */
  cancelMemoryMs: number;
  /**
   * How long a preemptible attempt runs at least before it may be stopped for a waiting
   * p0 task (0: never preempt). Default 1 000.
   */
  preemptAfterMs: number;
}

/**
 * How one pool's slots are shared by the classes of call it runs (bash categories, search
 * categories): each class named in `shares` is guaranteed that fraction of the pool, at
 * least one slot, and borrows what no waiting class is owed (see `SlotChooser`).
 */
export interface PoolShares {
  /** Each class's fraction of the pool, e.g. `{ build: 4 / 16, git: 2 / 16 }`. */
  shares: Readonly<Record<string, number>>;
  /** The class of a call, from its envelope; undefined when it has none (it only borrows). */
  classOf: (envelope: TaskEnvelope) => string | undefined;
  /** Awaited once before the pool takes work, e.g. to load the parser `classOf` uses. */
  ready?: () => Promise<void>;
}

/** Everything {@link Worker} needs; only `connection`, `service` and `tools` are required. */
export interface WorkerOptions {
  connection: Connection;
  /** Subject builder for the installation's prefix. Default `subjects()`. */
  names?: Subjects;
  /** Service name on metrics, heartbeats and the error channel, e.g. `codebase-worker`. */
  service: string;
  /** This process among the service's replicas. Default `<hostname>-<pid>-<random>`. */
  instance?: string;
  tools: ToolRegistry;
  /** Slots per tool when neither `pools` nor the environment says; see `resolvePools`. */
  defaultPools?: Readonly<Record<string, number>>;
  /** Classes sharing a pool's slots by reservation, per hosted tool; see {@link PoolShares}. */
  shares?: Readonly<Record<string, PoolShares>>;
  /**
   * Messages each pool buffers per priority level, per slot, for its choice to see past
   * the head of the queue. Default 2.
   */
  lookahead?: number;
  /** Slots per tool decided in code; wins over the environment. */
  pools?: Readonly<Record<string, number>>;
  /** Where `FANOUT_POOL_<TOOL>` is read. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  timing?: Partial<WorkerTiming>;
  /** Deliveries of a task before it is dead-lettered (and reported failed). Default 5. */
  maxDeliver?: number;
  /** Default: warnings and errors to `process.emitWarning`, the rest nowhere. */
  logger?: WorkerLogger;
  /**
   * Reuse results across workers for tools whose contract allows it (web.search: the same
   * question within 10 minutes). Default true, unless `FANOUT_REUSE_RESULTS=off`; false
   * runs every call.
   */
  reuseResults?: boolean;
  /** Broadcasts other than `cancel` (drain, pause, limits), for the host to act on. */
  onBroadcast?: (message: Broadcast) => void;
  /**
   * The process's Prometheus metrics, to count the attempts this worker ends and to read its
   * pools' slots and its tools' queues at each scrape.
   */
  metrics?: FanoutMetrics;
  /** Wrap every attempt, inside the worker's own tracing and metrics; see `AttemptInterceptor`. */
  interceptors?: AttemptInterceptor[];
}

export const DEFAULT_TIMING: WorkerTiming = {
  heartbeatMs: DELIVERY_DEFAULTS.heartbeatMs,
  ackWaitMs: DELIVERY_DEFAULTS.ackWaitMs,
  vitalsMs: 5_000,
  startedAfterMs: 100,
  abortGraceMs: 1_000,
  cancelMemoryMs: 600_000,
  preemptAfterMs: 1_000,
};

/** Drain grace when the caller gives none: inside Kubernetes' default 30 s termination grace. */
export const DEFAULT_DRAIN_GRACE_MS = 20_000;

/** Quiet by default on info, loud on problems: nothing a worker meets is dropped unseen. */
export const warningLogger: WorkerLogger = {
  log: () => undefined,
  warn: (message) => process.emitWarning(message),
  error: (message, error) =>
    process.emitWarning(error instanceof Error ? new Error(message, { cause: error }) : message),
};

/** Merges and checks the timing; a bad value is named with the option that holds it. */
export function resolveTiming(timing: Partial<WorkerTiming> = {}): WorkerTiming {
  const resolved = { ...DEFAULT_TIMING, ...timing };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isFinite(value) || value < 0) {
      throw new Error(`worker timing.${name} must be a number of ms, 0 or more; got ${value}`);
    }
  }
  if (!(resolved.heartbeatMs > 0 && resolved.heartbeatMs < resolved.ackWaitMs)) {
    throw new Error(
      `worker timing.heartbeatMs (${resolved.heartbeatMs}) must be above 0 and below timing.ackWaitMs (${resolved.ackWaitMs}), or running tasks would be redelivered`,
    );
  }
  if (resolved.vitalsMs <= 0) throw new Error('worker timing.vitalsMs must be above 0');
  return resolved;
}
