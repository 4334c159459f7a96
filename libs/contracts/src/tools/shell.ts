import { z } from 'zod';
import { defineTool } from './define-tool';

export const BashExec = defineTool({
  name: 'bash.exec',
  description: 'runs a validated shell command in a sandbox, in its own process group',
  input: z.strictObject({
    command: z.string().min(1),
    cwd: z
      .string()
      .optional()
      .describe('Working directory; the only writable place in the sandbox.'),
    env: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().positive().max(3_600_000).default(60_000),
    locks: z.array(z.string().min(1)).default([]).describe('Named locks; holders never overlap.'),
    network: z.boolean().default(false),
    okExitCodes: z
      .array(z.number().int().min(0).max(255))
      .min(1)
      .default([0])
      .describe(
        "Exit codes that count as success ([0, 1] for grep or diff). Any other exit, or death by a signal, fails the task with EXIT_NONZERO (OUT_OF_MEMORY when the OOM killer ended it at its family's memory share).",
      ),
  }),
  output: z.object({
    exitCode: z
      .number()
      .int()
      .nullable()
      .describe('One of okExitCodes: a command that ends otherwise fails the task instead.'),
    signal: z.string().nullable(),
    stdout: z.string(),
    stderr: z.string(),
    durationMs: z.number().nonnegative(),
    truncated: z.boolean().describe('True when output went over the cap and was cut.'),
  }),
  chunk: z.object({
    stream: z.enum(['stdout', 'stderr']),
    at: z.number().int().nonnegative(),
    text: z.string(),
  }),
});
