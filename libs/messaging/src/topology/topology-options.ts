import ms from 'ms';
import { z } from 'zod';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;

/**
 * Limits of every stream and bucket, each overridable, so that an operator can size the
 * installation without touching code. Replicas are 1 for a single server and 3 in a cluster.
 */
export const TopologyOptions = z.object({
  prefix: z.string().default('fanout'),
  /**
   * `ensure`: create the streams and buckets, or bring them to these limits (the
   * orchestrator; every service when unsecured). `await`: only wait for them to exist,
   * changing nothing — what a service does whose credentials may not administer streams.
   */
  mode: z.enum(['ensure', 'await']).default('ensure'),
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
  /**
   * A workflow's log (its events, streamed items and stored results) is kept while the
   * workflow runs, however long, and for `retentionMs` after it ends, when the orchestrator
   * purges it. `maxAgeMs` is only the streams' backstop for logs nobody purged (no
   * orchestrator ran for that long): a week, past any workflow's time budget.
   */
  events: z
    .object({
      retentionMs: z.number().int().positive().default(HOUR),
      maxAgeMs: z.number().int().positive().default(WEEK),
    })
    .prefault({}),
  data: z.object({ maxAgeMs: z.number().int().positive().default(WEEK) }).prefault({}),
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

/**
 * The deployment's settings of the topology, from the environment: `FANOUT_EVENT_RETENTION`
 * (a duration such as `1h`, `10s`, `2d`: how long a finished workflow's log is kept) and
 * `FANOUT_STREAM_REPLICAS` (1 for one server, 3 for a cluster). A value that cannot be read
 * is an error naming the variable, never a silent default.
 */
export function topologyFromEnv(env: NodeJS.ProcessEnv = process.env): TopologyInput {
  const input: TopologyInput = {};
  const retention = env['FANOUT_EVENT_RETENTION'];
  if (retention) {
    const retentionMs = ms(retention as ms.StringValue);
    if (typeof retentionMs !== 'number' || !(retentionMs >= 1_000)) {
      throw new Error(
        `FANOUT_EVENT_RETENTION "${retention}" is not a duration of a second or more (write e.g. 1h, 30m, 10s)`,
      );
    }
    input.events = { retentionMs: Math.round(retentionMs) };
  }
  const mode = env['FANOUT_TOPOLOGY'];
  if (mode) {
    if (mode !== 'ensure' && mode !== 'await') {
      throw new Error(
        `FANOUT_TOPOLOGY "${mode}" is neither ensure (create or update the streams) nor await (wait for them)`,
      );
    }
    input.mode = mode;
  }
  const replicas = env['FANOUT_STREAM_REPLICAS'];
  if (replicas) {
    const count = Number(replicas);
    if (!Number.isInteger(count) || count < 1 || count > 5) {
      throw new Error(
        `FANOUT_STREAM_REPLICAS "${replicas}" is not a number of replicas from 1 to 5 (1 for one server, 3 for a cluster)`,
      );
    }
    input.replicas = count;
  }
  return input;
}
