import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import ts from 'typescript';
import type { Jail } from '../jail';
import { isInside } from '../jail';
import { packageName, type Target } from './resolve-module';

/** Resolves a TypeScript/JavaScript import of `from` (root-relative) to where it leads. */
export type TypeScriptResolver = (from: string, specifier: string) => Target;

/**
 * Imports resolved by the compiler itself (`ts.resolveModuleName`), with the root's
 * tsconfig (`tsconfig.json`, else `tsconfig.base.json`, `extends` followed) or, without
 * one, bundler resolution with JavaScript allowed: extensions and `index` files, `./a.js`
 * meaning `./a.ts`, `paths` and `baseUrl`, package `exports`. The compiler sees only the
 * files the walk listed (`known`: what `.gitignore` hides is not there) and reads nothing
 * outside the root; an import that leads to no listed file is the package it names.
 */
export function typeScriptResolver(jail: Jail, known: ReadonlySet<string>): TypeScriptResolver {
  // The compiler asks about thousands of candidate paths, all absolute under the root (it
  // is given absolute paths there): cutting the prefix is far cheaper than path.relative.
  const prefix = jail.real.endsWith(sep) ? jail.real : jail.real + sep;
  const toRelative = (path: string) =>
    path === jail.real ? '' : path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  const directories = new Set<string>(['']);
  for (const file of known) {
    for (let dir = dirname(file); dir !== '.' && !directories.has(dir); dir = dirname(dir)) {
      directories.add(dir);
    }
  }
  const has = (set: ReadonlySet<string>, path: string) => {
    const rel = toRelative(path);
    return rel !== undefined && set.has(rel);
  };
  const host: ts.ModuleResolutionHost = {
    fileExists: (path) => has(known, path),
    directoryExists: (path) => has(directories, path),
    readFile: (path) => (has(known, path) ? readFileSync(path, 'utf8') : undefined),
    realpath: (path) => path,
    getCurrentDirectory: () => jail.real,
  };
  const options = compilerOptions(jail);
  const cache = ts.createModuleResolutionCache(jail.real, (name) => name, options);
  return (from, specifier) => {
    const containing = join(jail.real, from);
    const { resolvedModule } = ts.resolveModuleName(specifier, containing, options, host, cache);
    const file = resolvedModule && toRelative(resolvedModule.resolvedFileName);
    // A listed file, wherever it is (the compiler calls all of a root named node_modules
    // external): what the walk did not list, `.gitignore`d packages, stays a module.
    if (file && known.has(file)) return { file };
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      return { module: toRelative(join(dirname(containing), specifier)) ?? specifier };
    }
    return { module: packageName(specifier) };
  };
}

/** The root tsconfig's options, read only inside the root; bundler resolution without one. */
function compilerOptions(jail: Jail): ts.CompilerOptions {
  const readable = (path: string) => isInside(jail.real, path) && existsSync(path);
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: true,
    readDirectory: () => [],
    fileExists: readable,
    readFile: (path) => (readable(path) ? readFileSync(path, 'utf8') : undefined),
  };
  const defaults: ts.CompilerOptions = {
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowJs: true,
    resolveJsonModule: true,
  };
  for (const name of ['tsconfig.json', 'tsconfig.base.json']) {
    const path = join(jail.real, name);
    if (!readable(path)) continue;
    const { config, error } = ts.readConfigFile(path, host.readFile);
    if (error || !config) continue;
    const parsed = ts.parseJsonConfigFileContent(config, host, dirname(path), undefined, path);
    // A project's own resolution, with JavaScript always in: a graph wants .js files too.
    return { ...defaults, ...parsed.options, allowJs: true };
  }
  return defaults;
}
