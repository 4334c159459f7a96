/** Edits (insert, delete, replace) turning `a` into `b`. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const replace = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, replace);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The known name nearest to `typed`, when it is near enough to be a slip (a third of its
 * letters at most, or a prefix of it); else undefined.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: { name: string; edits: number } | undefined;
  for (const name of known) {
    const edits = name.startsWith(typed) && typed.length >= 2 ? 0 : distance(typed, name);
    if (!best || edits < best.edits) best = { name, edits };
  }
  if (!best || best.edits > Math.max(1, Math.floor(typed.length / 3))) return undefined;
  return best.name;
}
