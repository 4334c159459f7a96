import { z } from 'zod';
import { FanoutError } from './errors';
import { named } from './registry';
import { TaskId } from './ids';

/** How a task ended. Exactly one of these is recorded for every task of a finished workflow. */
export const TaskStatus = z.enum(['succeeded', 'failed', 'cancelled', 'skipped']);

/** How a workflow (or one phase) ended; `degraded` went on without some of its tasks. */
export const OutcomeStatus = z.enum(['succeeded', 'degraded', 'failed', 'cancelled']);

/**
 * What a subtree of workflows used: its tasks, the tool calls they made (attempts sent to
 * a worker), its wall time and the model tokens its planners spent. A workflow's usage
 * counts its own and that of every child it waited for.
 */
export const Usage = named(
  'Usage',
  'What a workflow and its children used: tasks, tool calls, wall time, model tokens.',
  z.object({
    tasks: z.number().int().nonnegative(),
    toolCalls: z.number().int().nonnegative(),
    durationMs: z.number().nonnegative(),
    tokens: z.number().int().nonnegative(),
  }),
);

/**
 * The summary a finished workflow emits: enough for a caller to decide what to do next
 * without reading the whole event log — what ran, how it ended, how long it took, and
 * what a `degrade` barrier went on without.
 */
export const WorkflowSynthesis = named(
  'WorkflowSynthesis',
  'Summary of a finished workflow: per task status, counts, durations, and what degraded.',
  z.object({
    status: OutcomeStatus,
    durationMs: z.number().nonnegative(),
    counts: z.object({
      total: z.number().int().nonnegative(),
      succeeded: z.number().int().nonnegative(),
      failed: z.number().int().nonnegative(),
      cancelled: z.number().int().nonnegative(),
      skipped: z.number().int().nonnegative(),
    }),
    phases: z.array(
      z.object({
        phaseId: z.string(),
        status: OutcomeStatus,
        missing: z.array(TaskId).describe('Tasks a degrade barrier went on without.'),
      }),
    ),
    usage: Usage.optional().describe('What this workflow and every child it waited for used.'),
    omittedTasks: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe(
        'Tasks left out of `tasks` to keep the event small, succeeded ones first; each has its own terminal event (with its error whole).',
      ),
    tasks: z.array(
      z.object({
        taskId: TaskId,
        tool: z.string(),
        status: TaskStatus,
        attempts: z.number().int().nonnegative(),
        durationMs: z.number().nonnegative().optional(),
        error: FanoutError.optional().describe(
          'How it failed: code, message and causes, without details (the TaskFailed event has them).',
        ),
      }),
    ),
  }),
);

export type WorkflowSynthesis = z.infer<typeof WorkflowSynthesis>;
export type TaskStatus = z.infer<typeof TaskStatus>;
export type Usage = z.infer<typeof Usage>;
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;
