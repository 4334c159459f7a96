import type { z } from 'zod';

/**
 * One problem found in a workflow document. `path` is where it is, written the way a
 * person reads the document (`phases[1].tasks[2].input.pattern`); `line` and `column`
 * (1-based) point into the text when the problem can be placed there.
 */
export interface ValidationError {
  path: string;
  message: string;
  line?: number;
  column?: number;
  /** Set when the document is valid but cannot run: `UNSCHEDULABLE`. */
  code?: string;
}

/** Writes a document path as `phases[1].tasks[2].input.pattern`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** Renders errors one per line, `line:column path: message`, for terminals and logs. */
export function formatErrors(errors: ReadonlyArray<ValidationError>): string {
  return errors
    .map((error) => {
      const where = error.line === undefined ? '' : `${error.line}:${error.column ?? 1} `;
      return `${where}${error.path ? `${error.path}: ` : ''}${error.message}`;
    })
    .join('\n');
}

/** zod's issue messages, reworded where a person would ask "which key?" or "what then?". */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  }
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  return issue.message;
}
