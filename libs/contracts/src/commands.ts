import { z } from 'zod';
import { FanoutError } from './errors';
import { EpochMs, Priority, TaskId, WorkflowId } from './ids';
import { PayloadRef } from './payload-ref';
import { ChildOutcome, ParentLink } from './tools/agent';
import { named } from './registry';
import { WorkflowDefinition } from './workflow-definition';

/**
 * Every command carries a `commandId`, sent as the `Nats-Msg-Id` header: JetStream drops
 * a duplicate inside its dedup window, so a publisher may retry a publish blindly.
 */
const CommandId = z.string().min(1).max(200).describe('Unique per command; the Nats-Msg-Id.');

export const SubmitWorkflow = named(
  'SubmitWorkflow',
  'Start a workflow. Submitting the same workflowId again is a no-op.',
  z.object({
    type: z.literal('workflow.submit'),
    commandId: CommandId,
    workflowId: WorkflowId,
    workflow: WorkflowDefinition,
    priority: Priority.default(2),
    parent: ParentLink.optional().describe(
      'Set when an agent.run task spawns this workflow as its child.',
    ),
  }),
);

export const CancelWorkflow = named(
  'CancelWorkflow',
  'Cancel a workflow: running tasks and child workflows are cancelled too.',
  z.object({
    type: z.literal('workflow.cancel'),
    commandId: CommandId,
    workflowId: WorkflowId,
    reason: z.string().max(1_000).default('cancelled by request'),
  }),
);

export const CallTool = named(
  'CallTool',
  'One tool call, run as a workflow of a single task "call/<tool, dots as dashes>" (e.g. call/code-grep).',
  z.object({
    type: z.literal('task.call'),
    commandId: CommandId,
    workflowId: WorkflowId,
    tool: z.string().min(1),
    input: z.record(z.string(), z.unknown()).default({}),
    priority: Priority.default(2),
    timeoutMs: z.number().int().positive().max(86_400_000).optional(),
  }),
);

/** What a worker says about the attempt it holds. */
export const TaskOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('started') }),
  z.object({ kind: z.literal('heartbeat') }),
  z
    .object({ kind: z.literal('child-ended'), outcome: ChildOutcome })
    .describe(
      "Sent by a child workflow's owner to its parent's agent.run task when the child ended.",
    ),
  z
    .object({
      kind: z.literal('succeeded'),
      result: z.unknown().optional(),
      resultRef: PayloadRef.optional().describe(
        'Set instead of an inline result when the result is too large for one message: the worker stored it in the Object Store (bucket fanout_results).',
      ),
      durationMs: z.number().nonnegative(),
    })
    .describe('The attempt succeeded with `result`, or with `resultRef` when it was too large.'),
  z.object({ kind: z.literal('failed'), error: FanoutError, durationMs: z.number().nonnegative() }),
]);

export const ReportTask = named(
  'ReportTask',
  "A worker's report on one attempt: started, still alive, succeeded or failed.",
  z.object({
    type: z.literal('task.report'),
    commandId: CommandId,
    workflowId: WorkflowId,
    taskId: TaskId,
    attempt: z.number().int().min(1),
    worker: z.string().describe('The reporting instance, for tracing and fencing.'),
    claim: z
      .string()
      .optional()
      .describe(
        "The attempt's claim, copied from its envelope: required when the orchestrators share FANOUT_REPORT_KEY.",
      ),
    at: EpochMs,
    outcome: TaskOutcome,
  }),
);

/** Any command on the bus; `type` is also the last tokens of its subject. */
export const Command = named(
  'Command',
  'Any command on the command bus.',
  z.discriminatedUnion('type', [SubmitWorkflow, CancelWorkflow, CallTool, ReportTask]),
);

export type SubmitWorkflow = z.infer<typeof SubmitWorkflow>;
export type CancelWorkflow = z.infer<typeof CancelWorkflow>;
export type CallTool = z.infer<typeof CallTool>;
export type ReportTask = z.infer<typeof ReportTask>;
export type TaskOutcome = z.infer<typeof TaskOutcome>;
export type Command = z.infer<typeof Command>;
