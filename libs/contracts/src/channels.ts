import { z } from 'zod';
import { FanoutError } from './errors';
import { EpochMs, TaskId, WorkflowId } from './ids';
import { named } from './registry';
import { TOOL_FAMILIES } from './resources';
import { PayloadRef } from './payload-ref';
import { TaskEnvelope } from './task-envelope';

/**
 * A batch of a task's streamed items on `fanout.data.<workflowId>.<taskId>`. `seq` numbers
 * the batches of one attempt from 0 so a reader can put them in order and spot a gap;
 * `final` marks the last. A batch too large for one message travels as `ref`.
 */
export const DataBatch = named(
  'DataBatch',
  'Streamed partial results of one task attempt, in order.',
  z.object({
    workflowId: WorkflowId,
    taskId: TaskId,
    attempt: z.number().int().min(1),
    seq: z.number().int().nonnegative(),
    items: z.array(z.unknown()),
    ref: PayloadRef.optional(),
    final: z.boolean(),
  }),
);

/** A failure anywhere, on `fanout.err.<service>.<kind>`, with what was being handled. */
export const ErrorRecord = named(
  'ErrorRecord',
  'A failure reported by a service, with its cause chain.',
  z.object({
    service: z.string(),
    kind: z.string(),
    at: EpochMs,
    error: FanoutError,
    workflowId: WorkflowId.optional(),
    taskId: TaskId.optional(),
    subject: z.string().optional().describe('The subject of the message being handled.'),
    payload: z.string().max(4_096).optional().describe('The start of the offending payload.'),
  }),
);

/** A task that used up its deliveries, on `fanout.dlq.<tool>`; it can be retried or discarded. */
export const DeadLetter = named(
  'DeadLetter',
  'A task that exhausted its deliveries.',
  z.object({
    tool: z.string(),
    at: EpochMs,
    deliveries: z.number().int().positive(),
    envelope: TaskEnvelope,
    lastError: FanoutError.optional(),
  }),
);

/** A service's load, on `fanout.metrics.<service>.<instance>` every few seconds. */
/** Bytes per second each way, over a snapshot's window. */
export const ByteRates = z.object({
  readBytesPerSec: z.number().nonnegative(),
  writeBytesPerSec: z.number().nonnegative(),
});

export const LoadSnapshot = named(
  'LoadSnapshot',
  'Slots busy and free per pool, CPU, memory and event-loop delay of one instance.',
  z.object({
    service: z.string(),
    instance: z.string(),
    at: EpochMs,
    pools: z.array(
      z.object({
        pool: z.string(),
        size: z.number().int().nonnegative(),
        busy: z.number().int().nonnegative(),
      }),
    ),
    cpuPercent: z.number().nonnegative(),
    rssBytes: z.number().int().nonnegative(),
    calls: z
      .array(
        z.object({
          tool: z.string(),
          calls: z.number().int().nonnegative(),
          p95Ms: z.number().nonnegative(),
          throttled: z.number().int().nonnegative(),
          timeouts: z.number().int().nonnegative(),
        }),
      )
      .optional()
      .describe(
        "Each tool's calls ended since the last snapshot: how many, their p95, how many were throttled (429) or timed out.",
      ),
    eventLoopDelayMs: z.object({ p50: z.number().nonnegative(), p99: z.number().nonnegative() }),
    io: ByteRates.optional().describe(
      "Storage bytes read and written per second since the last snapshot (/proc/self/io's read_bytes and write_bytes; absent where it cannot be read).",
    ),
    network: ByteRates.optional().describe(
      "Network bytes per second since the last snapshot, as the process's tools counted them (web.fetch's bytes received).",
    ),
  }),
);

/** Liveness of a process, on `fanout.ctl.heartbeat.<service>.<instance>`. */
export const ServiceHeartbeat = named(
  'ServiceHeartbeat',
  'A process is alive; missing for 15 s means dead.',
  z.object({
    service: z.string(),
    instance: z.string(),
    at: EpochMs,
    state: z.enum(['starting', 'ready', 'draining']),
  }),
);

/** Global state every process hears on `fanout.ctl.broadcast`. */
export const Broadcast = named(
  'Broadcast',
  'A change of global state: drain, pause, resume, new pool limits, or tasks to abort.',
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('drain'), service: z.string().optional() }),
    z.object({ kind: z.literal('pause') }),
    z.object({ kind: z.literal('resume') }),
    z
      .object({
        kind: z.literal('cancel'),
        workflowId: WorkflowId,
        taskIds: z.array(TaskId).optional(),
        attempts: z
          .record(TaskId, z.number().int().min(1))
          .optional()
          .describe(
            'For a task named here, only its attempts up to this number are aborted: the engine gave that attempt up (timed out, its worker silent) and a later one may already be on its way.',
          ),
      })
      .describe(
        'Abort these tasks (all of the workflow when taskIds is absent) wherever they run, and refuse their attempts still queued.',
      ),
    z
      .object({
        kind: z.literal('limits'),
        pools: z
          .record(z.string(), z.number().int().nonnegative())
          .default({})
          .describe('Slots per tool, for every worker hosting it; wins over factors.'),
        factors: z
          .partialRecord(z.enum(TOOL_FAMILIES), z.number().min(0.1).max(4))
          .optional()
          .describe(
            "Each family's pools as a multiple of the sizes its workers derived from the matrix at start (1: as derived).",
          ),
        reason: z.string().optional().describe('Why, for logs.'),
      })
      .describe('New pool sizes: workers resize their pools at once.'),
  ]),
);

export type DataBatch = z.infer<typeof DataBatch>;
export type ErrorRecord = z.infer<typeof ErrorRecord>;
export type DeadLetter = z.infer<typeof DeadLetter>;
export type LoadSnapshot = z.infer<typeof LoadSnapshot>;
export type ServiceHeartbeat = z.infer<typeof ServiceHeartbeat>;
export type Broadcast = z.infer<typeof Broadcast>;
