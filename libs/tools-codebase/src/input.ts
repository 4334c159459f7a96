import type { z } from 'zod';
import { CodebaseError, CodebaseErrorCode } from './errors';

/**
 * Validates a tool's input against its wire contract and applies the defaults. A worker
 * validates before it calls, but the tools are also called directly (benchmarks, other
 * libraries), and a tool must never run on input its contract would refuse.
 */
export function parseInput<S extends z.ZodType>(
  contract: { name: string; input: S },
  input: unknown,
): z.output<S> {
  const parsed = contract.input.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
    .join('; ');
  throw new CodebaseError(
    CodebaseErrorCode.InvalidInput,
    `invalid input for ${contract.name}: ${problems}`,
  );
}
