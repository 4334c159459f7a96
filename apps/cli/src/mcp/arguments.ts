import type { Problem } from '@fanout/client';
import type { z } from 'zod';
import type { ExposedTool } from './tool-table';

/** Arguments a tool refuses: every field that is wrong, and why, one per line. */
export class ArgumentError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ArgumentError';
  }
}

/** `calls[3].input.pattern`, as a person reads the arguments. */
function pathOf(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Parses an MCP-only tool's arguments with its schema, or throws naming each field. */
export function parseArguments<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw new ArgumentError(
    parsed.error.issues.map((issue) => `${pathOf(issue.path) || 'arguments'}: ${issue.message}`),
  );
}

/**
 * The problems of a tool's input against its contract, checked as the orchestrator will
 * check the task, each under `at` (`calls[3].input`, or nothing for a tool's own call).
 */
export async function inputProblems(tool: ExposedTool, input: unknown, at = ''): Promise<string[]> {
  // Loaded when first needed, as every command of the CLI loads the engine.
  const { validateToolCall } = await import('@fanout/workflow');
  return validateToolCall(tool, input).map(({ path, message }) => {
    const field = path.replace(/^input\.?/, '');
    const where = [at, field]
      .filter(Boolean)
      .join(at && field && !field.startsWith('[') ? '.' : '');
    return `${where || 'arguments'}: ${message}`;
  });
}

/**
 * The problems of a workflow `client.submit` refused (its `ValidationError`, known by name
 * as the CLI knows errors, so the client need not be loaded to ask); undefined for any
 * other error.
 */
export function problemsOfRefusal(error: unknown): readonly Problem[] | undefined {
  const refused = error instanceof Error && error.name === 'ValidationError';
  return refused ? (error as Error & { errors: readonly Problem[] }).errors : undefined;
}
