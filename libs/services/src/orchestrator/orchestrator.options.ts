import { hostname } from 'node:os';
import { TOOLS, TOOL_FAMILIES } from '@fanout/contracts';
import { z } from 'zod';
import { machineCapacity } from '../resources/host-capacity';
import { capacities } from '../resources/pool-shares';
import { resourceOptionsFromEnv } from '../resources/resources.options';

/** The shortest `FANOUT_REPORT_KEY`: as many bytes as the HMAC-SHA256 it keys gives. */
const MIN_REPORT_KEY_BYTES = 32;

/**
 * How an orchestrator replica behaves. Defaults follow the design (leases of 15 s renewed
 * every 5 s); every value can be set from the environment for tuning and for tests.
 */
export const OrchestratorOptions = z.object({
  /** This replica's name in leases and logs; unique per process. */
  instance: z.string().min(1).default(`${hostname()}-${process.pid}`),
  leaseTtlMs: z.coerce.number().int().positive().default(15_000),
  renewEveryMs: z.coerce.number().int().positive().default(5_000),
  /** How often to look for workflows whose owner stopped renewing. */
  scanEveryMs: z.coerce.number().int().positive().default(5_000),
  /** Save a snapshot after this many events since the last one. */
  snapshotEvery: z.coerce.number().int().positive().default(5_000),
  heartbeatTimeoutMs: z.coerce.number().int().positive().default(15_000),
  defaultTimeoutMs: z.coerce.number().int().positive().default(300_000),
  /** Commands handled at once; many in flight lets one append carry many decisions. */
  concurrency: z.coerce.number().int().positive().default(256),
  /**
   * Tasks of one spread key dispatched at once per workflow, by tool, over the contracts'
   * (`web.fetch`: 4, as many as a web worker lets in to one host): raise it with the web
   * workers' `FANOUT_WEB_PER_HOST`.
   */
  spreadLimits: z.record(z.string(), z.number().int().positive()).default({}),
  /**
   * Spans a trace may reach before the child workflows an agent tree starts begin traces
   * of their own, each linked to its agent task: Jaeger loads a trace slowly past ~10k.
   */
  traceMaxSpans: z.coerce.number().int().positive().default(10_000),
  /**
   * The most a worker of each tool family can be given, from `FANOUT_RESOURCES` and the
   * host: a task asking more is refused at submit (`UNSCHEDULABLE`). Unset: none is.
   */
  capacity: z
    .partialRecord(
      z.enum(TOOL_FAMILIES),
      z.object({ cpu: z.number().positive(), memoryMiB: z.number().positive() }),
    )
    .optional(),
  /**
   * The key the replicas share to make and check the claims of attempts
   * (`FANOUT_REPORT_KEY`): set, a report is taken only with its attempt's claim. Unset,
   * none is made or checked, and any connection that may report can report on any task.
   */
  reportKey: z
    .instanceof(Buffer)
    .refine((key) => key.length >= MIN_REPORT_KEY_BYTES, 'a report key holds 32 bytes or more')
    .optional(),
});

export type OrchestratorOptions = z.infer<typeof OrchestratorOptions>;

/** Reads the options from `FANOUT_ORCHESTRATOR_*` environment variables. */
export function orchestratorOptionsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): OrchestratorOptions {
  const read = (name: string) => env[`FANOUT_ORCHESTRATOR_${name}`];
  return OrchestratorOptions.parse({
    instance: read('INSTANCE') ?? env['FANOUT_INSTANCE'],
    leaseTtlMs: read('LEASE_TTL_MS'),
    renewEveryMs: read('RENEW_EVERY_MS'),
    scanEveryMs: read('SCAN_EVERY_MS'),
    snapshotEvery: read('SNAPSHOT_EVERY'),
    heartbeatTimeoutMs: read('HEARTBEAT_TIMEOUT_MS'),
    defaultTimeoutMs: read('DEFAULT_TIMEOUT_MS'),
    concurrency: read('CONCURRENCY'),
    spreadLimits: parseSpreadLimits(read('SPREAD_LIMITS') ?? ''),
    traceMaxSpans: read('TRACE_MAX_SPANS'),
    capacity: capacities(resourceOptionsFromEnv(env), machineCapacity()),
    reportKey: reportKeyFromEnv(env),
  });
}

/** The bytes of a report key written as hex or base64 (hex when it reads as both). */
export const ReportKey = z
  .string()
  .trim()
  .transform((text, ctx) => {
    const bytes = /^(?:[0-9a-f]{2})+$/i.test(text)
      ? Buffer.from(text, 'hex')
      : /^[A-Za-z0-9+/_-]+={0,2}$/.test(text)
        ? Buffer.from(text, 'base64')
        : undefined;
    if (!bytes) {
      ctx.addIssue({ code: 'custom', message: 'is neither hex nor base64' });
      return z.NEVER;
    }
    if (bytes.length < MIN_REPORT_KEY_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `holds ${bytes.length} bytes, fewer than the ${MIN_REPORT_KEY_BYTES} a key needs (\`openssl rand -hex 32\` makes one)`,
      });
      return z.NEVER;
    }
    return bytes;
  });

/** `FANOUT_REPORT_KEY`, unset when empty; a key that cannot be used stops the start. */
function reportKeyFromEnv(env: NodeJS.ProcessEnv): Buffer | undefined {
  const text = env['FANOUT_REPORT_KEY'];
  if (!text?.trim()) return undefined;
  const parsed = ReportKey.safeParse(text);
  if (parsed.success) return parsed.data;
  // The key itself is a secret: the message names the variable, never the value.
  throw new Error(`FANOUT_REPORT_KEY ${parsed.error.issues[0]?.message ?? 'is not a key'}`);
}

/** `tool=limit,…` of `FANOUT_ORCHESTRATOR_SPREAD_LIMITS`; a mistake is named, not ignored. */
function parseSpreadLimits(text: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const entry of text.split(',').filter((part) => part.trim())) {
    const [tool = '', raw] = entry.split('=').map((part) => part.trim());
    const limit = Number(raw);
    const where = `FANOUT_ORCHESTRATOR_SPREAD_LIMITS: "${entry.trim()}"`;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(`${where} is not tool=limit with a whole limit of 1 or more`);
    }
    if (!TOOLS[tool as keyof typeof TOOLS]?.spread) {
      const spread = Object.values(TOOLS)
        .filter((contract) => contract.spread)
        .map((contract) => contract.name);
      throw new Error(`${where}: only ${spread.join(', ')} spread their calls`);
    }
    limits[tool] = limit;
  }
  return limits;
}
