import { z } from 'zod';

const HOUR = 3_600_000;

/**
 * Limits of every stream and bucket, each overridable, so that an operator can size the
 * installation without touching code. Replicas are 1 for a single server and 3 in a cluster.
 */
export const TopologyOptions = z.object({
  prefix: z.string().default('fanout'),
  replicas: z.number().int().min(1).max(5).default(1),
  commands: z
    .object({
      maxMsgs: z.number().int().positive().default(10_000),
      /** Reports waiting for the orchestrator: a few per task in flight, so far more room. */
      maxReports: z.number().int().positive().default(1_000_000),
      duplicateWindowMs: z.number().int().positive().default(120_000),
    })
    .prefault({}),
  tasks: z
    .object({
      maxMsgs: z.number().int().positive().default(1_000_000),
      maxAgeMs: z
        .number()
        .int()
        .positive()
        .default(24 * HOUR),
    })
    .prefault({}),
  events: z.object({ maxAgeMs: z.number().int().positive().default(HOUR) }).prefault({}),
  data: z.object({ maxAgeMs: z.number().int().positive().default(HOUR) }).prefault({}),
  errors: z
    .object({
      maxAgeMs: z
        .number()
        .int()
        .positive()
        .default(7 * 24 * HOUR),
    })
    .prefault({}),
  metrics: z
    .object({
      maxAgeMs: z
        .number()
        .int()
        .positive()
        .default(10 * 60_000),
    })
    .prefault({}),
  /** Workflow snapshots and results outlive the event retention; they expire after this. */
  state: z
    .object({
      maxAgeMs: z
        .number()
        .int()
        .positive()
        .default(7 * 24 * HOUR),
    })
    .prefault({}),
  /**
   * Tool results shared between workers for reuse (`ToolContract.cache`): kept at most this
   * long (a tool may ask for less) and this much in all; when full, new results are simply
   * not kept until old ones expire.
   */
  toolCache: z
    .object({
      maxAgeMs: z.number().int().positive().default(HOUR),
      maxBytes: z
        .number()
        .int()
        .positive()
        .default(256 * 1_048_576),
    })
    .prefault({}),
});

export type TopologyOptions = z.infer<typeof TopologyOptions>;
export type TopologyInput = z.input<typeof TopologyOptions>;
