import { z } from 'zod';
import { ByteRates } from './channels';
import { EpochMs } from './ids';
import { named } from './registry';
import { TOOL_FAMILIES } from './resources';

const Shares = z.object({
  cpu: z.number(),
  memory: z.number(),
  io: z.number(),
  network: z.number(),
  storage: z.number(),
});

/** One instance as the monitor last heard of it. */
export const InstanceView = named(
  'InstanceView',
  'One service instance as the monitor last heard of it: alive or silent, its pools and load.',
  z.object({
    service: z.string(),
    instance: z.string(),
    family: z.enum(TOOL_FAMILIES),
    status: z
      .enum(['starting', 'ready', 'draining', 'silent', 'stopped'])
      .describe('silent: nothing heard for the failure window; stopped: it drained and left.'),
    lastSeenAt: EpochMs,
    pools: z.array(z.object({ pool: z.string(), size: z.number(), busy: z.number() })),
    cpuPercent: z.number().optional(),
    rssBytes: z.number().optional(),
    eventLoopDelayMs: z.object({ p50: z.number(), p99: z.number() }).optional(),
    io: ByteRates.optional().describe('Storage bytes per second, read and written.'),
    network: ByteRates.optional().describe('Network bytes per second its tools moved.'),
  }),
);

/** What waits on one tool's queue at one priority. */
export const QueueView = z.object({
  tool: z.string(),
  priority: z.number().int().min(0).max(4),
  waiting: z.number().int().nonnegative(),
  oldestAgeMs: z.number().nonnegative().optional(),
});

/** Something the monitor found or decided, with why. */
export const ResourceDecision = named(
  'ResourceDecision',
  'Something the monitor found or decided about resources, with its reason.',
  z.object({
    at: EpochMs,
    kind: z.string().describe('e.g. instance-silent, instance-back, instance-stopped'),
    service: z.string().optional(),
    instance: z.string().optional(),
    family: z.enum(TOOL_FAMILIES).optional(),
    reason: z.string(),
  }),
);

/** The answer of `fanout resources`: the matrix, who runs, what waits, what was decided. */
export const ResourcesReport = named(
  'ResourcesReport',
  'The allocation matrix in percent, every instance, queue depths per tool and priority, and the latest decisions.',
  z.object({
    at: EpochMs,
    matrix: z.record(z.enum(TOOL_FAMILIES), Shares),
    instances: z.array(InstanceView),
    queues: z.array(QueueView),
    decisions: z.array(ResourceDecision),
  }),
);

/** `<prefix>.rpc.monitor.resources`: asks the monitor for its {@link ResourcesReport}. */
export const MONITOR_RESOURCES = {
  service: 'monitor',
  method: 'resources',
  request: z.object({}),
  response: ResourcesReport,
} as const;

/** The factors a starting worker asks for, as a `limits` broadcast would give them. */
export const CurrentLimits = named(
  'CurrentLimits',
  "Each tool family's pools as a multiple of the sizes its workers derive from the matrix.",
  z.object({ factors: z.partialRecord(z.enum(TOOL_FAMILIES), z.number().min(0.1).max(4)) }),
);

/**
 * `<prefix>.rpc.monitor.limits`: what a worker asks when it starts, so it begins with the
 * current allocation instead of waiting for the next broadcast; with no monitor it starts
 * on the matrix's sizes.
 */
export const MONITOR_LIMITS = {
  service: 'monitor',
  method: 'limits',
  request: z.object({ service: z.string(), instance: z.string() }),
  response: CurrentLimits,
} as const;

export type InstanceView = z.infer<typeof InstanceView>;
export type QueueView = z.infer<typeof QueueView>;
export type ResourceDecision = z.infer<typeof ResourceDecision>;
export type ResourcesReport = z.infer<typeof ResourcesReport>;
