import { z } from 'zod';
import { EpochMs, Priority, TaskId, WorkflowId } from './ids';
import { PayloadRef } from './payload-ref';
import { named } from './registry';

/**
 * W3C trace context. It travels in the message headers too; it is repeated here so that a
 * consumer that only sees the payload (a log, a dead letter) can still join the trace.
 */
export const TraceContext = named(
  'TraceContext',
  'W3C trace context (traceparent, tracestate).',
  z.object({ traceparent: z.string(), tracestate: z.string().optional() }),
);

/**
 * What a worker receives on `fanout.task.<tool>.p<n>`. `attempt` fences stale results: a
 * report for an older attempt than the engine's current one is ignored. `claim` fences
 * forged ones: with `FANOUT_REPORT_KEY` set, the orchestrator takes a report only with the
 * claim of the attempt it names, which only the envelope carries.
 */
export const TaskEnvelope = named(
  'TaskEnvelope',
  'One attempt of one task, as a worker receives it.',
  z.object({
    workflowId: WorkflowId,
    taskId: TaskId,
    attempt: z.number().int().min(1),
    tool: z.string(),
    input: z.unknown().optional().describe("The tool's input, references resolved."),
    inputRef: PayloadRef.optional().describe(
      'Set instead of an inline input when it is too large for one message: fetch it from this Object Store entry (bucket fanout_results).',
    ),
    priority: Priority,
    dispatchedAt: EpochMs,
    deadline: EpochMs.describe('When the attempt counts as timed out.'),
    depth: z.number().int().min(0).max(3).default(0).describe('Nesting depth of the workflow.'),
    preemptible: z
      .boolean()
      .optional()
      .describe("The task's own say on preemption, over its tool's contract."),
    weight: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("The workflow's fairness weight (1 when absent)."),
    trace: TraceContext.optional(),
    claim: z
      .string()
      .optional()
      .describe(
        'Proof that this attempt was dispatched to its holder; every report on the attempt carries it back. Set when the orchestrators share FANOUT_REPORT_KEY.',
      ),
  }),
);

export type TraceContext = z.infer<typeof TraceContext>;
export type TaskEnvelope = z.infer<typeof TaskEnvelope>;
