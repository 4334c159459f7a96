import { posix } from 'node:path';

/** Where an import leads: a file under the root, or a module from elsewhere (a package). */
export type Target = { file: string } | { module: string };

/** What resolution may look at: the files under the root, and the compiler's resolution. */
export interface ResolveContext {
  known: ReadonlySet<string>;
  /** TypeScript and JavaScript imports (`ts-resolver.ts`, loaded with the compiler). */
  resolveTypeScript(from: string, specifier: string): Target;
}

/** Joins root-relative parts; '' is the root. A result climbing out of the root is undefined. */
function join(...parts: string[]): string | undefined {
  const joined = posix.normalize(parts.filter(Boolean).join('/') || '.');
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

/** The package a bare specifier belongs to: `@scope/pkg/x` -> `@scope/pkg`, `node:fs` stays. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The file of a dotted Python module under `dir`: `a/b.py` or the package `a/b/__init__.py`. */
function pythonFile(dir: string, dotted: string, known: ReadonlySet<string>): string | undefined {
  const base = join(dir, ...dotted.split('.'));
  if (base === undefined) return undefined;
  const stem = base ? `${base}/` : '';
  const candidates = dotted
    ? [`${base}.py`, `${base}.pyi`, `${stem}__init__.py`, `${stem}__init__.pyi`]
    : [`${stem}__init__.py`, `${stem}__init__.pyi`];
  return candidates.find((candidate) => known.has(candidate));
}

/**
 * Where absolute Python imports are looked for: the root, `src/` (the common layout),
 * and the directory above the outermost package holding `from` (a package's own root).
 */
function pythonRoots(from: string, known: ReadonlySet<string>): string[] {
  let dir = posix.dirname(from);
  dir = dir === '.' ? '' : dir;
  while (dir && (known.has(`${dir}/__init__.py`) || known.has(`${dir}/__init__.pyi`))) {
    const parent = posix.dirname(dir);
    dir = parent === '.' ? '' : parent;
  }
  return [...new Set(['', 'src', dir])];
}

/**
 * Resolves a Python module name: relative (`.x`, `..x`, `.`) from the importing file's
 * package, absolute from the roots `pythonRoots` names. Unresolved absolute imports are
 * modules named by their top-level package (`numpy.linalg` -> `numpy`).
 */
export function resolvePython(from: string, specifier: string, ctx: ResolveContext): Target {
  const level = specifier.length - specifier.replace(/^\.+/, '').length;
  const dotted = specifier.slice(level);
  if (level > 0) {
    const dir = join(posix.dirname(from), ...Array<string>(level - 1).fill('..'));
    const file = dir === undefined ? undefined : pythonFile(dir, dotted, ctx.known);
    return file ? { file } : { module: specifier };
  }
  for (const root of pythonRoots(from, ctx.known)) {
    const file = pythonFile(root, dotted, ctx.known);
    if (file) return { file };
  }
  return { module: dotted.split('.')[0] };
}
