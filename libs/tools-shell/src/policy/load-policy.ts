import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ShellError, ShellErrorCode } from '../errors';
import { PolicySchema, type Policy } from './policy-schema';

/** The policy shipped beside this file, what a worker uses unless told otherwise. */
export const DEFAULT_POLICY_PATH = new URL('./default-policy.yaml', import.meta.url);

let shipped: Policy | undefined;

/** The shipped default policy, read and checked once. */
export function defaultPolicy(): Policy {
  shipped ??= loadPolicy(DEFAULT_POLICY_PATH);
  return shipped;
}

/**
 * Reads a policy file. A policy that does not parse or does not fit the schema stops the
 * worker with an error naming the file and the key: running with half a policy is worse
 * than not running.
 */
export function loadPolicy(path: string | URL): Policy {
  const where = path instanceof URL ? path.pathname : path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ShellError(ShellErrorCode.InvalidPolicy, `cannot read policy ${where}`, {
      cause: error,
    });
  }
  return parsePolicy(text, where);
}

/** Parses policy YAML; `where` names the source in errors. */
export function parsePolicy(text: string, where = 'policy'): Policy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ShellError(
      ShellErrorCode.InvalidPolicy,
      `${where} is not valid YAML: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
  const parsed = PolicySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
    .join('; ');
  throw new ShellError(
    ShellErrorCode.InvalidPolicy,
    `${where} does not fit the policy schema: ${problems}`,
  );
}
