import { readFileSync } from 'node:fs';
import { CodedError, ResourceMatrix } from '@fanout/contracts';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The resource layer's settings (`FANOUT_RESOURCES`): the allocation matrix, and what a
 * host is when the machine should not be asked (a deployment whose workers run on
 * nodes of a known size, a test). Every field has its default: an empty document is the
 * default matrix on the machine each process runs on.
 */
export const ResourceOptions = z.strictObject({
  matrix: ResourceMatrix.prefault({}),
  /** The host to share out; unset fields are read from the machine and its cgroup. */
  host: z
    .strictObject({
      cores: z.number().positive().optional(),
      memoryMiB: z.number().int().positive().optional(),
    })
    .default({}),
  /**
   * The most a pool grows over its reference size on a large host: beyond a few times
   * the reference, more slots only queue on the same disk and network.
   */
  maxScale: z.number().min(1).max(64).default(4),
});
export type ResourceOptions = z.infer<typeof ResourceOptions>;

/** `FANOUT_RESOURCES` could not be read or does not fit; `field` is where, `''` for the whole. */
export class ResourceOptionsError extends CodedError {
  readonly code = 'INVALID_RESOURCES';
  readonly retryable = false;
  constructor(
    readonly field: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`FANOUT_RESOURCES${field ? ` ${field}` : ''}: ${message}`, options);
  }
}

/**
 * Reads `FANOUT_RESOURCES`: a path to a YAML file, or the YAML itself (what holds a
 * newline, a `{` or a `key: value` is taken as YAML). Unset or empty: the defaults.
 */
export function resourceOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ResourceOptions {
  const value = env['FANOUT_RESOURCES']?.trim() ?? '';
  if (value === '') return ResourceOptions.parse({});
  return parseResourceOptions(looksInline(value) ? value : readFile(value));
}

/** Parses and checks the YAML of the resource options. */
export function parseResourceOptions(text: string): ResourceOptions {
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (error) {
    throw new ResourceOptionsError('', `not valid YAML: ${String(error)}`, { cause: error });
  }
  const parsed = ResourceOptions.safeParse(raw);
  if (parsed.success) return parsed.data;
  const [issue] = parsed.error.issues;
  const field = issue?.path.map(String).join('.') ?? '';
  const keys = issue?.code === 'unrecognized_keys' ? ` ${issue.keys.join(', ')}` : '';
  throw new ResourceOptionsError(field, `${issue?.message ?? 'invalid'}${keys}`);
}

function looksInline(value: string): boolean {
  return value.includes('\n') || value.startsWith('{') || /:\s/.test(value);
}

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ResourceOptionsError('', `cannot read ${path}: ${String(error)}`, { cause: error });
  }
}
