import { isAbsolute, relative } from 'node:path';

/** A place in a file an output line names (`src/x.ts:12:3`, `src/x.ts(12,3)`). */
export interface OutputReference {
  path: string;
  line: number;
  /** The output line that named it. */
  output: string;
}

const COLON_FORM = /([\w@.+/-]+\.[A-Za-z0-9]+):(\d+)(?::\d+)?/g;
const PAREN_FORM = /([\w@.+/-]+\.[A-Za-z0-9]+)\((\d+),\d+\)/g;

/** References a step's output makes to files under root, first seen first, at most `max`. */
export function outputReferences(output: string, root: string, max: number): OutputReference[] {
  const references: OutputReference[] = [];
  const seen = new Set<string>();
  for (const text of output.split('\n')) {
    for (const match of [...text.matchAll(COLON_FORM), ...text.matchAll(PAREN_FORM)]) {
      const path = underRoot(match[1] ?? '', root);
      const line = Number(match[2]);
      if (!path || !(line > 0) || seen.has(`${path}:${line}`)) continue;
      seen.add(`${path}:${line}`);
      references.push({ path, line, output: text.trim() });
      if (references.length >= max) return references;
    }
  }
  return references;
}

/** A path relative to root, or undefined when it leads outside it or into dependencies. */
function underRoot(path: string, root: string): string | undefined {
  const inside = isAbsolute(path) ? relative(root, path) : path.replace(/^(\.\/)+/, '');
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  if (/(^|\/)node_modules\//.test(inside) || /^https?:/.test(path)) return undefined;
  return inside;
}

/** The lines of a failed step's output that say what failed: those naming files, else its last lines. */
export function failureLines(output: string, references: OutputReference[], max = 5): string[] {
  if (references.length > 0) return [...new Set(references.map((ref) => ref.output))].slice(0, max);
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-max);
}
