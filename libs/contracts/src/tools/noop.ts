import { z } from 'zod';
import { FanoutError } from '../errors';
import { defineTool } from './define-tool';

/** A tool that does nothing, slowly if asked, or fails on purpose: for tests and benchmarks. */
export const Noop = defineTool({
  name: 'noop',
  preemptible: true,
  description:
    'does nothing (optionally after sleeping, or fails on purpose): for tests and benchmarks',
  input: z.strictObject({
    sleepMs: z.number().int().min(0).max(3_600_000).default(0),
    fail: z
      .union([z.boolean(), FanoutError])
      .default(false)
      .describe(
        'true fails with a retryable error; an error object fails with exactly that error.',
      ),
    echo: z.unknown().optional().describe('Returned unchanged as the result.'),
  }),
  output: z.object({ sleptMs: z.number().nonnegative(), echo: z.unknown().optional() }),
});
