import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import ts from 'typescript';
import type { Jail } from '../jail';
import { isInside } from '../jail';

/** The root tsconfig's `paths`, with the directory (relative to root) they are relative to. */
export interface TsPaths {
  base: string;
  paths: [pattern: string, targets: string[]][];
}

/**
 * Reads `paths` from the root's `tsconfig.json` (or `tsconfig.base.json`), following
 * `extends`, so that monorepo aliases (`@app/lib` -> `libs/lib/src/index.ts`) resolve
 * to files rather than to a package that is not there. Only files inside the root are
 * read: a config that extends one outside it is read without that part.
 */
export function readTsPaths(jail: Jail): TsPaths | undefined {
  const readable = (path: string) => isInside(jail.real, path) && existsSync(path);
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    readDirectory: () => [],
    fileExists: readable,
    readFile: (path) => (readable(path) ? readFileSync(path, 'utf8') : undefined),
  };
  for (const name of ['tsconfig.json', 'tsconfig.base.json']) {
    const path = join(jail.real, name);
    if (!readable(path)) continue;
    const { config, error } = ts.readConfigFile(path, host.readFile);
    if (error || !config) continue;
    const parsed = ts.parseJsonConfigFileContent(config, host, dirname(path), undefined, path);
    const { paths, baseUrl } = parsed.options;
    if (!paths) continue;
    const pathsBase = baseUrl ?? (parsed.options['pathsBasePath'] as string | undefined);
    const base = relative(jail.real, pathsBase ?? jail.real)
      .split(sep)
      .join('/');
    return { base, paths: Object.entries(paths) };
  }
  return undefined;
}
