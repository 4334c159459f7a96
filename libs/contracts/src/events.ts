import { z } from 'zod';
import { FanoutError } from './errors';
import { EpochMs, Priority, TaskId, WorkflowId } from './ids';
import { PayloadRef } from './payload-ref';
import { named } from './registry';
import type { EventTopic } from './subjects';
import { OutcomeStatus, WorkflowSynthesis } from './synthesis';
import { ChildOutcome, ChildRefusal, ParentLink } from './tools/agent';
import { WorkflowDefinition } from './workflow-definition';

/** Fields every event has; the stream's sequence number orders them. */
const base = { workflowId: WorkflowId, at: EpochMs };
const attempt = z.number().int().min(1);

/**
 * Declares one event type, the topic it is published under, and registers it. The
 * topic decides the subject `fanout.evt.<workflowId>.<topic>.<type>`.
 */
function event<T extends string, S extends z.ZodRawShape>(
  type: T,
  topic: EventTopic,
  description: string,
  shape: S,
) {
  const schema = named(type, description, z.object({ type: z.literal(type), ...base, ...shape }));
  return Object.assign(schema, { topic });
}

export const WorkflowAccepted = event(
  'WorkflowAccepted',
  'progress',
  'A valid workflow was accepted and will run.',
  {
    definition: WorkflowDefinition,
    priority: Priority,
    depth: z.number().int().min(0).max(3),
    parent: ParentLink.optional(),
  },
);
export const WorkflowRejected = event(
  'WorkflowRejected',
  'errors',
  'A submitted workflow was invalid; nothing ran.',
  {
    errors: z.array(
      z.object({
        path: z.string(),
        message: z.string(),
        code: z
          .string()
          .optional()
          .describe('Set when the workflow is valid but cannot run, e.g. UNSCHEDULABLE.'),
      }),
    ),
  },
);
export const PhaseStarted = event(
  'PhaseStarted',
  'progress',
  'Every phase this one depends on has ended.',
  {
    phaseId: z.string(),
  },
);
export const PhaseCompleted = event(
  'PhaseCompleted',
  'progress',
  "A phase's barrier was reached or timed out.",
  {
    phaseId: z.string(),
    status: OutcomeStatus,
    missing: z.array(TaskId).describe('Tasks that had not succeeded when the barrier closed.'),
  },
);
export const TasksExpanded = event(
  'TasksExpanded',
  'progress',
  'A forEach task was fanned out over a list.',
  {
    taskId: TaskId,
    count: z.number().int().nonnegative(),
    order: z
      .array(z.number().int().nonnegative())
      .optional()
      .describe(
        'The copies by index in the order they become ready, when that is not 0, 1, 2…: spread over the keys of a tool with a spread (web.fetch: hosts), so the copies of a busy key do not queue ahead of all the others.',
      ),
  },
);
export const TaskDispatched = event(
  'TaskDispatched',
  'progress',
  'An attempt was put on its tool queue, with its input: inline, or, when too large for one message, in the Object Store at `inputRef` (and then not inline).',
  {
    taskId: TaskId,
    attempt,
    tool: z.string(),
    input: z.unknown().optional(),
    inputRef: PayloadRef.optional().describe(
      'Set when the resolved input was too large to travel inline: fetch it from this Object Store entry (bucket fanout_results).',
    ),
    priority: Priority,
    deadline: EpochMs,
  },
);
export const TaskStarted = event('TaskStarted', 'progress', 'A worker took the attempt.', {
  taskId: TaskId,
  attempt,
  worker: z.string(),
});
export const TaskHeartbeat = event(
  'TaskHeartbeat',
  'progress',
  'The worker holding the attempt is alive.',
  {
    taskId: TaskId,
    attempt,
    worker: z.string(),
  },
);
export const TaskSucceeded = event(
  'TaskSucceeded',
  'results',
  'An attempt succeeded; its result is recorded once: inline in `result`, or, when too large for one message, in the Object Store at `resultRef` (and then not inline).',
  {
    taskId: TaskId,
    attempt,
    result: z.unknown().optional(),
    resultRef: PayloadRef.optional().describe(
      'Set when the result was too large to travel inline: fetch it from this Object Store entry (bucket fanout_results). It is kept as long as the workflow’s log.',
    ),
    durationMs: z.number().nonnegative(),
  },
);
export const TaskAttemptFailed = event(
  'TaskAttemptFailed',
  'errors',
  'An attempt failed; retryAt is set when another follows.',
  {
    taskId: TaskId,
    attempt,
    error: FanoutError,
    retryAt: EpochMs.optional(),
    preempted: z
      .literal(true)
      .optional()
      .describe(
        'The attempt was stopped for a higher-priority task (PREEMPTED): it runs again at once and does not count against the retries.',
      ),
  },
);
export const TaskFailed = event(
  'TaskFailed',
  'errors',
  'A task failed for good: no attempts left, or not retryable.',
  {
    taskId: TaskId,
    attempts: z.number().int().nonnegative(),
    error: FanoutError,
  },
);
export const TaskCancelled = event(
  'TaskCancelled',
  'progress',
  'A task was cancelled before it ended.',
  {
    taskId: TaskId,
    reason: z.string(),
    childWorkflowId: WorkflowId.optional().describe(
      'The child workflow of an agent.run task, to be cancelled too (unless it was to be abandoned).',
    ),
    cancelChild: z
      .boolean()
      .optional()
      .describe(
        'False when the child was started with onParentEnd "abandon": it is left to finish on its own.',
      ),
  },
);
export const TaskSkipped = event(
  'TaskSkipped',
  'progress',
  'A task never ran because something it needed did not succeed.',
  {
    taskId: TaskId,
    reason: z.string(),
  },
);
export const ChildStarted = event(
  'ChildStarted',
  'progress',
  'An agent.run task planned a child workflow; the task waits for it without holding a worker.',
  {
    taskId: TaskId,
    attempt,
    round: z.number().int().min(1),
    childWorkflowId: WorkflowId,
    definition: WorkflowDefinition.describe(
      "The plan, with the budget granted from this workflow's.",
    ),
    last: z
      .boolean()
      .default(false)
      .describe("The agent's last round: its answer is this child's result."),
    tokens: z.number().int().nonnegative().default(0).describe('Model tokens the planning spent.'),
  },
);
export const ChildCompleted = event(
  'ChildCompleted',
  'progress',
  'The child workflow of an agent.run task ended; what it did not use of its budget is returned.',
  {
    taskId: TaskId,
    outcome: ChildOutcome,
  },
);
export const ChildRefused = event(
  'ChildRefused',
  'errors',
  'An agent.run task planned a child that may not run: too deep, over the budget, or an invalid plan.',
  {
    taskId: TaskId,
    attempt,
    reason: ChildRefusal,
    message: z.string(),
  },
);
export const WorkflowCancelRequested = event(
  'WorkflowCancelRequested',
  'progress',
  'Cancellation began; running tasks are being stopped.',
  {
    reason: z.string(),
    endAs: z
      .enum(['cancelled', 'failed'])
      .default('cancelled')
      .describe('"failed" when the stop is a failure (a phase failed, the time budget ran out).'),
  },
);
export const WorkflowResumed = event(
  'WorkflowResumed',
  'progress',
  'Another process took the workflow over by replay; running tasks get a fresh heartbeat window.',
  { owner: z.string() },
);
export const WorkflowMetrics = event(
  'WorkflowMetrics',
  'metrics',
  'Counts of tasks by state, for progress displays.',
  {
    total: z.number().int().nonnegative(),
    pending: z.number().int().nonnegative(),
    running: z.number().int().nonnegative(),
    done: z.number().int().nonnegative(),
  },
);
export const WorkflowCompleted = event(
  'WorkflowCompleted',
  'results',
  'The workflow ended; the synthesis summarises it.',
  {
    status: OutcomeStatus,
    synthesis: WorkflowSynthesis,
  },
);

/** Every event type, each with its topic. */
export const EVENT_TYPES = [
  WorkflowAccepted,
  WorkflowRejected,
  PhaseStarted,
  PhaseCompleted,
  TasksExpanded,
  TaskDispatched,
  TaskStarted,
  TaskHeartbeat,
  TaskSucceeded,
  TaskAttemptFailed,
  TaskFailed,
  TaskCancelled,
  TaskSkipped,
  ChildStarted,
  ChildCompleted,
  ChildRefused,
  WorkflowCancelRequested,
  WorkflowResumed,
  WorkflowMetrics,
  WorkflowCompleted,
] as const;

/** Any workflow event; `type` is the last token of its subject. */
export const WorkflowEvent = named(
  'WorkflowEvent',
  'Any event of a workflow’s log.',
  z.discriminatedUnion('type', EVENT_TYPES),
);

export type WorkflowEvent = z.infer<typeof WorkflowEvent>;
export type WorkflowEventType = WorkflowEvent['type'];
export type EventOf<T extends WorkflowEventType> = Extract<WorkflowEvent, { type: T }>;

const TOPICS = Object.fromEntries(
  EVENT_TYPES.map((schema) => [schema.shape.type.value, schema.topic]),
) as Record<WorkflowEventType, EventTopic>;

/** The topic an event is published under. */
export function topicOf(type: WorkflowEventType): EventTopic {
  return TOPICS[type];
}
