import { z } from 'zod';
import { LocalId, Priority } from './ids';
import { named } from './registry';
import { TaskResources } from './resources';

/** Tries of a task when neither it nor its workflow says: a lost worker or a network error is tried again. */
export const DEFAULT_ATTEMPTS = 3;

/**
 * Exponential backoff with jitter between attempts: the delay before attempt n+1 is
 * `min(maxDelayMs, initialDelayMs * multiplier^(n-1))`, spread by ±jitter so that many
 * tasks failing together do not retry together.
 */
export const RetryPolicy = named(
  'RetryPolicy',
  'How often a failed task is tried again, and how long to wait between tries.',
  z.strictObject({
    attempts: z
      .number()
      .int()
      .min(1)
      .max(20)
      .default(DEFAULT_ATTEMPTS)
      .describe('Total tries, the first included; only retryable errors are tried again.'),
    backoff: z.literal('exponential').default('exponential'),
    initialDelayMs: z.number().int().min(0).max(3_600_000).default(500),
    multiplier: z.number().min(1).max(10).default(2),
    maxDelayMs: z.number().int().min(0).max(3_600_000).default(30_000),
    jitter: z.number().min(0).max(1).default(0.2),
  }),
);

/**
 * Where a phase waits for its tasks, and what happens to those that do not make it. By
 * default the barrier waits until every task of the phase has ended: each task is bounded
 * by its own `timeoutMs` and retries, so no default cuts a task that is within its time.
 * `timeoutMs`, when set, is a limit on the whole phase, counted from its start.
 */
export const Barrier = named(
  'Barrier',
  'The end of a phase: wait for every task (or, with timeoutMs, at most that long from the phase start, cancelling what is still open); "fail" fails the workflow if a task did not succeed, "degrade" goes on without it and records it.',
  z.strictObject({
    timeoutMs: z
      .number()
      .int()
      .positive()
      .max(86_400_000)
      .optional()
      .describe(
        'A limit on the phase, from its start. Unset: the phase waits for its tasks, each bounded by its own timeoutMs and retries.',
      ),
    policy: z.enum(['fail', 'degrade']).default('fail'),
  }),
);

/** Limits for one workflow; a child workflow's budget is carved from its parent's. */
export const Budget = named(
  'Budget',
  'Limits on tasks, wall time, parallelism and nesting depth.',
  z.strictObject({
    maxTasks: z.number().int().min(1).max(1_000_000).default(10_000),
    maxDurationMs: z.number().int().min(1).max(86_400_000).default(3_600_000),
    maxConcurrency: z.number().int().min(1).max(4_096).default(256),
    maxDepth: z.number().int().min(0).max(3).default(3),
  }),
);

/**
 * One tool call in a phase. String values in `input` may hold references
 * `${{ <phase>.<task>.<path> }}` to earlier results; `forEach` names a list an earlier
 * task produced and fans the task out over it, each element available as `${{ item }}`.
 */
export const TaskDefinition = named(
  'TaskDefinition',
  'One tool call of a phase, optionally fanned out over a list with forEach.',
  z.strictObject({
    id: LocalId,
    tool: z.string().min(1),
    input: z.record(z.string(), z.unknown()).default({}),
    dependsOn: z
      .array(z.string())
      .default([])
      .describe('Task ids in this phase, or "<phase>.<task>".'),
    forEach: z
      .string()
      .optional()
      .describe('A reference "${{ <phase>.<task>.<path> }}" to a list.'),
    retry: RetryPolicy.optional(),
    timeoutMs: z.number().int().positive().max(86_400_000).optional(),
    priority: Priority.optional(),
    resources: TaskResources.optional(),
    preemptible: z
      .boolean()
      .optional()
      .describe(
        "Whether a running call may be stopped for a p0 task and run again; default: its tool's contract (bash.exec: no).",
      ),
  }),
);

export const PhaseDefinition = named(
  'PhaseDefinition',
  'A group of tasks that ends at a barrier; phases run in dependsOn order.',
  z.strictObject({
    id: LocalId,
    dependsOn: z.array(LocalId).default([]),
    barrier: Barrier.prefault({}),
    tasks: z.array(TaskDefinition).min(1),
  }),
);

/** The document a user writes (YAML or JSON) and `workflow.submit` carries. */
export const WorkflowDefinition = named(
  'WorkflowDefinition',
  'A workflow: phases of tool calls, their dependencies, barriers and budget.',
  z.strictObject({
    name: z.string().max(200).optional(),
    description: z.string().max(10_000).optional(),
    budget: Budget.prefault({}),
    weight: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .optional()
      .describe(
        "This workflow's share of contended pools against other workflows' (1 when absent): a workflow of weight 3 starts three calls for each one of weight 1 while both wait.",
      ),
    defaults: z
      .strictObject({
        retry: RetryPolicy.optional(),
        timeoutMs: z.number().int().positive().max(86_400_000).optional(),
        priority: Priority.optional(),
      })
      .default({}),
    phases: z.array(PhaseDefinition).min(1),
  }),
);

export type RetryPolicy = z.infer<typeof RetryPolicy>;
export type Barrier = z.infer<typeof Barrier>;
export type Budget = z.infer<typeof Budget>;
export type TaskDefinition = z.infer<typeof TaskDefinition>;
export type PhaseDefinition = z.infer<typeof PhaseDefinition>;
export type WorkflowDefinition = z.infer<typeof WorkflowDefinition>;
/** What a user may write: every defaulted field optional. */
export type WorkflowDocument = z.input<typeof WorkflowDefinition>;
