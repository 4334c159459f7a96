import { posix } from 'node:path';
import type { TsPaths } from './ts-paths';

/** Where an import leads: a file under the root, or a module from elsewhere (a package). */
export type Target = { file: string } | { module: string };

/** What resolution may look at: the files under the root, and the tsconfig's `paths`. */
export interface ResolveContext {
  known: ReadonlySet<string>;
  tsPaths?: TsPaths;
}

/** Joins root-relative parts; '' is the root. A result climbing out of the root is undefined. */
function join(...parts: string[]): string | undefined {
  const joined = posix.normalize(parts.filter(Boolean).join('/') || '.');
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined === '.' ? '' : joined.replace(/\/$/, '');
}

const TS_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** TypeScript's ESM convention: `./a.js` in source names `./a.ts`. */
const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

/** The first existing file for a TypeScript module path: as is, with an extension, or its index. */
function tsFile(base: string, known: ReadonlySet<string>): string | undefined {
  const candidates = [base, ...TS_EXTENSIONS.map((ext) => base + ext)];
  const ext = posix.extname(base);
  for (const replacement of JS_TO_TS[ext] ?? []) {
    candidates.push(base.slice(0, -ext.length) + replacement);
  }
  candidates.push(...TS_EXTENSIONS.map((ext) => `${base}/index${ext}`));
  return candidates.find((candidate) => known.has(candidate));
}

/** The package a bare specifier belongs to: `@scope/pkg/x` -> `@scope/pkg`, `node:fs` stays. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Resolves a TypeScript/JavaScript import the way the compiler would for files on disk:
 * relative specifiers with extension and `index` resolution (and `./a.js` meaning
 * `./a.ts`), bare ones through the root tsconfig's `paths`; the rest are packages.
 */
export function resolveTypeScript(from: string, specifier: string, ctx: ResolveContext): Target {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    const base = specifier.startsWith('/') ? undefined : join(posix.dirname(from), specifier);
    const file = base === undefined ? undefined : tsFile(base, ctx.known);
    return file ? { file } : { module: base ?? specifier };
  }
  for (const [pattern, targets] of ctx.tsPaths?.paths ?? []) {
    const star = pattern.indexOf('*');
    const [prefix, suffix] =
      star === -1 ? [pattern, ''] : [pattern.slice(0, star), pattern.slice(star + 1)];
    const matches =
      star === -1
        ? specifier === pattern
        : specifier.startsWith(prefix) && specifier.endsWith(suffix);
    if (!matches) continue;
    const captured =
      star === -1 ? '' : specifier.slice(prefix.length, specifier.length - suffix.length);
    for (const target of targets) {
      const base = join(ctx.tsPaths?.base ?? '', target.replace('*', captured));
      const file = base === undefined ? undefined : tsFile(base, ctx.known);
      if (file) return { file };
    }
  }
  return { module: packageName(specifier) };
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
