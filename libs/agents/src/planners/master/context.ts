import { z } from 'zod';
import { AgentError } from '../../errors';

/**
 * What the master reads from its `context`: the tree the goal is about (an absolute
 * directory, the root every cited path is relative to) and, to choose for it, the
 * specialists to ask.
 */
const MasterContext = z
  .object({
    root: z.string().min(1).optional(),
    specialists: z
      .array(z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'a specialist name'))
      .min(1)
      .optional(),
  })
  .default({});

export type MasterContext = z.infer<typeof MasterContext>;

/** The master's context, checked: a wrong one is a failed task that says what is wrong. */
export function readContext(context: unknown): MasterContext {
  const parsed = MasterContext.safeParse(context ?? undefined);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || 'context'}: ${issue.message}`,
  );
  throw new AgentError('BAD_CONTEXT', `the master's context is wrong: ${problems.join('; ')}`);
}
