import { z } from 'zod';
import { named } from './registry';

/**
 * Ids travel inside NATS subjects and KV keys, so they are restricted to characters that
 * are legal in both and never split a subject token: letters, digits, `_` and `-`.
 */
const TOKEN = /^[A-Za-z0-9_-]+$/;

/** A user-chosen name of a phase or task inside a workflow document. */
export const LocalId = named(
  'LocalId',
  'A phase or task name inside a workflow document: letters, digits, "_" and "-".',
  z.string().min(1).max(64).regex(TOKEN, 'use only letters, digits, "_" and "-"'),
);

/** Identifies one workflow run; chosen by the submitter so that a retried submit is idempotent. */
export const WorkflowId = named(
  'WorkflowId',
  'One workflow run. Chosen by the submitter (a retried submit with the same id is a no-op).',
  z.string().min(1).max(100).regex(TOKEN, 'use only letters, digits, "_" and "-"'),
);

/**
 * Identifies one task of a workflow: `<phase>/<task>`, and `<phase>/<task>/<n>` for the
 * n-th element of a `forEach` fan-out. `/` is legal in subjects and KV keys alike and
 * cannot occur in a LocalId, so the parts can always be read back.
 */
export const TaskId = named(
  'TaskId',
  'A task of a workflow: "<phase>/<task>", or "<phase>/<task>/<n>" for the n-th forEach element.',
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+\/[A-Za-z0-9_-]+(\/[0-9]+)?$/, 'expected "<phase>/<task>[/<n>]"'),
);

/** 0 is the most urgent; consumers take higher priorities first without starving lower ones. */
export const Priority = named(
  'Priority',
  'Urgency from 0 (highest) to 4 (lowest).',
  z.number().int().min(0).max(4),
);

/** Every priority, most urgent first. */
export const PRIORITIES = [0, 1, 2, 3, 4] as const;

/** Milliseconds since the Unix epoch: every timestamp on the wire is one, in UTC. */
export const EpochMs = z.number().int().nonnegative();

/** Forms a task id from its parts; `index` is the position inside a `forEach` fan-out. */
export function taskId(phase: string, task: string, index?: number): string {
  return index === undefined ? `${phase}/${task}` : `${phase}/${task}/${index}`;
}

export type WorkflowId = z.infer<typeof WorkflowId>;
export type TaskId = z.infer<typeof TaskId>;
export type Priority = z.infer<typeof Priority>;
