/**
 * JSON text in which equal values are equal strings, whatever order their object keys
 * were written in: what tells two cache keys, or two results, apart. Arrays keep their
 * order; keys that look like array indexes come first, as JavaScript orders them, and
 * every other key in code-unit order.
 */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, sortedKeys);
}

/** A JSON.stringify replacer: objects with their keys sorted, copied only when out of order. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  let inOrder = true;
  for (let i = 1; i < keys.length && inOrder; i += 1) inOrder = keys[i - 1] < keys[i];
  if (inOrder) return value;
  // fromEntries defines each key as its own property, so a key "__proto__" stays data.
  const record = value as Record<string, unknown>;
  return Object.fromEntries(keys.sort().map((key) => [key, record[key]]));
}
