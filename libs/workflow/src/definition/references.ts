/**
 * References carry results forward: `${{ <phase>.<task>.<path> }}` is a value an earlier
 * task produced, `${{ item }}` (or `${{ item.<path> }}`) the element a `forEach` copy works
 * on. A string that is exactly one reference becomes the referenced value, whatever its
 * type; a reference inside a longer string is written into it as text.
 */
export type Reference =
  | { kind: 'item'; path: string[] }
  | { kind: 'result'; phase: string; task: string; path: string[] };

/** Where a reference was found inside a task's input. */
export interface FoundReference {
  expression: string;
  reference: Reference;
  /** Path of the string holding it, from the input's root. */
  at: (string | number)[];
}

const PATTERN = /\$\{\{\s*(.*?)\s*\}\}/g;
const WHOLE = /^\$\{\{\s*(.*?)\s*\}\}$/;
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** Reads `a.b[0].c` into segments; undefined when it is not a path. */
function splitPath(expression: string): string[] | undefined {
  const segments = expression.replace(/\[(\d+)\]/g, '.$1').split('.');
  return segments.every((segment) => SEGMENT.test(segment)) ? segments : undefined;
}

/** Parses the inside of `${{ … }}`, or says why it cannot be a reference. */
export function parseReference(expression: string): Reference | { error: string } {
  const segments = splitPath(expression);
  if (!segments)
    return {
      error: `"${expression}" is not a reference: expected <phase>.<task>[.<path>] or item[.<path>]`,
    };
  if (segments[0] === 'item') return { kind: 'item', path: segments.slice(1) };
  if (segments.length < 2)
    return { error: `"${expression}" names no task: expected <phase>.<task>[.<path>]` };
  const [phase, task, ...path] = segments as [string, string, ...string[]];
  return { kind: 'result', phase, task, path };
}

/** Every reference in a value, with the path of the string that holds it. */
export function referencesIn(
  value: unknown,
  at: (string | number)[] = [],
): Array<FoundReference | { expression: string; error: string; at: (string | number)[] }> {
  if (typeof value === 'string') {
    return [...value.matchAll(PATTERN)].map((match) => {
      const expression = match[1] ?? '';
      const reference = parseReference(expression);
      return 'error' in reference
        ? { expression, error: reference.error, at }
        : { expression, reference, at };
    });
  }
  if (Array.isArray(value))
    return value.flatMap((item, index) => referencesIn(item, [...at, index]));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => referencesIn(item, [...at, key]));
  }
  return [];
}

/** True when the string holds a reference anywhere. */
export function hasReference(value: string): boolean {
  return new RegExp(PATTERN.source).test(value);
}

/** Follows a path into a value by own properties only, never the prototype chain. */
export function readPath(
  value: unknown,
  path: ReadonlyArray<string>,
): { found: true; value: unknown } | { found: false } {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment))
      return { found: false };
    current = (current as Record<string, unknown>)[segment];
  }
  return { found: true, value: current };
}

/** Looks a reference up; `undefined` means the value is not there. */
export type ReferenceLookup = (
  reference: Reference,
) => { found: true; value: unknown } | { found: false; why: string };

/**
 * Replaces every reference in `value` by what `lookup` finds. Fails with the first
 * reference that cannot be resolved, naming it and why.
 */
export function resolveReferences(
  value: unknown,
  lookup: ReferenceLookup,
): { ok: true; value: unknown } | { ok: false; error: string } {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole && !value.slice(3, -2).includes('${{')) return resolveOne(whole[1] ?? '', lookup);
    let failure: string | undefined;
    const text = value.replace(PATTERN, (_match, expression: string) => {
      const resolved = resolveOne(expression, lookup);
      if (!resolved.ok) {
        failure ??= resolved.error;
        return '';
      }
      return typeof resolved.value === 'string' ? resolved.value : JSON.stringify(resolved.value);
    });
    return failure === undefined ? { ok: true, value: text } : { ok: false, error: failure };
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const resolved = resolveReferences(item, lookup);
      if (!resolved.ok) return resolved;
      out.push(resolved.value);
    }
    return { ok: true, value: out };
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveReferences(item, lookup);
      if (!resolved.ok) return resolved;
      Object.defineProperty(out, key, {
        value: resolved.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return { ok: true, value: out };
  }
  return { ok: true, value };
}

function resolveOne(
  expression: string,
  lookup: ReferenceLookup,
): { ok: true; value: unknown } | { ok: false; error: string } {
  const reference = parseReference(expression);
  if ('error' in reference) return { ok: false, error: reference.error };
  const found = lookup(reference);
  return found.found
    ? { ok: true, value: found.value }
    : { ok: false, error: `\${{ ${expression} }}: ${found.why}` };
}
