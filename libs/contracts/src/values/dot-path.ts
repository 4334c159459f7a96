/**
 * The value a dot path (`url`, `meta.score`, `hits.0.path`) leads to, following own
 * properties only (a path never reaches `constructor` or the prototype chain); undefined
 * where it leads nowhere. The empty path is the value itself.
 */
export function atPath(value: unknown, path: string): unknown {
  if (path === '') return value;
  let at = value;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
