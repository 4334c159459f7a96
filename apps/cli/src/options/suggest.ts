/** Edits (insert, delete, replace, swap of neighbours) turning `a` into `b`. */
function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? 0;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const same = a[i - 1] === b[j - 1];
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (same ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      (rows[i] ?? [])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known name nearest to `typed`, when it is near enough to be a slip (an edit per
 * three letters, at least one) or `typed` begins it; else undefined.
 */
export function closest(typed: string, known: readonly string[]): string | undefined {
  let best: { name: string; edits: number } | undefined;
  for (const name of known) {
    const edits = typed.length >= 2 && name.startsWith(typed) ? 0 : distance(typed, name);
    if (!best || edits < best.edits) best = { name, edits };
  }
  if (!best || best.edits > Math.max(1, Math.floor(typed.length / 3))) return undefined;
  return best.name;
}
