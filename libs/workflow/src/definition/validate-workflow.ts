import { TOOLS, WorkflowDefinition, type ToolContract } from '@fanout/contracts';
import type { z } from 'zod';
import { checkSemantics, toolProblems } from './check-semantics';
import { parseText, type ParsedText } from './parse-text';
import { describeIssue, formatPath, type ValidationError } from './validation-error';

/** What validation may consult; tests and embedders can bring their own tools. */
export interface ValidateOptions {
  tools?: Readonly<Record<string, ToolContract>>;
}

/** A workflow that may run, with defaults applied, or every reason it may not. */
export type ValidationResult =
  { ok: true; workflow: WorkflowDefinition } | { ok: false; errors: ValidationError[] };

/**
 * Validates a workflow document (YAML or JSON text) before anything runs: syntax,
 * structure, ids, tools and their inputs, dependencies, references, cycles and budget.
 * Every error names its place in the document, with line and column where it has one.
 */
export function validateWorkflow(text: string, options: ValidateOptions = {}): ValidationResult {
  const parsed = parseText(text);
  if (!parsed.ok) return parsed;
  return validateDefinition(parsed.parsed.value, options, parsed.parsed.locate);
}

/** Validates an already-parsed document (e.g. the JSON of a `workflow.submit` command). */
export function validateDefinition(
  value: unknown,
  options: ValidateOptions = {},
  locate?: ParsedText['locate'],
): ValidationResult {
  const place = (error: ValidationError, path: ReadonlyArray<PropertyKey>): ValidationError => {
    const position = locate?.(path);
    return position ? { ...error, ...position } : error;
  };
  const structure = WorkflowDefinition.safeParse(value);
  if (!structure.success) {
    return {
      ok: false,
      errors: structure.error.issues.map((issue) => place(issueToError(issue), issue.path)),
    };
  }
  const errors = checkSemantics(structure.data, options.tools ?? TOOLS).map(({ path, message }) =>
    place({ path: formatPath(path), message }, path),
  );
  return errors.length > 0 ? { ok: false, errors } : { ok: true, workflow: structure.data };
}

/**
 * Checks one tool call (`fanout call`, a client's `call`) against the tool contracts as a
 * workflow's task is checked: the tool is known and its input fits. No errors: it may run.
 * Paths are `tool` or `input.<field>`.
 */
export function validateToolCall(
  tool: string,
  input: unknown,
  options: ValidateOptions = {},
): ValidationError[] {
  return toolProblems(tool, input, options.tools ?? TOOLS).map(({ path, message }) => ({
    path: formatPath(path),
    message,
  }));
}

function issueToError(issue: z.core.$ZodIssue): ValidationError {
  return { path: formatPath(issue.path), message: describeIssue(issue) };
}
