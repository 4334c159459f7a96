import { posix } from 'node:path';
import type { Word } from '../parse/script-model';
import { firstGlob } from './matchers';

/** Where the command runs: what `~`, `$HOME` and relative paths mean to it. */
export interface PathContext {
  home?: string;
  workspace: string;
}

const HOME_TEXT = /^"?\$(HOME|\{HOME\})"?(?=\/|$)/;

/**
 * The absolute path a word names, resolved as bash would: `~` and `$HOME` to the home,
 * relative paths against the directory the command runs in. `undefined` when an
 * expansion or a glob decides it, or a computed `cd` left the directory unknown.
 */
export function resolvePath(
  word: Word,
  cwd: string | undefined,
  where: PathContext,
): string | undefined {
  let path = word.value;
  if (path === undefined && where.home && HOME_TEXT.test(word.text)) {
    const rest = word.text.replace(HOME_TEXT, '');
    if (!/[$`"'\\*?[]/.test(rest)) path = where.home + rest;
  }
  if (path === undefined || word.pattern) return undefined;
  if (where.home) path = path.replace(/^~(?=\/|$)/, where.home);
  if (path.startsWith('~')) return undefined;
  if (path.startsWith('/')) return posix.normalize(path);
  return cwd === undefined ? undefined : posix.resolve(cwd, path);
}

const expanded = new WeakMap<readonly string[], Map<string, string[]>>();

/** Policy path globs with `${home}` and `${workspace}` filled in (kept per list and place). */
export function expandGlobs(patterns: readonly string[], where: PathContext): string[] {
  let byPlace = expanded.get(patterns);
  if (!byPlace) {
    byPlace = new Map();
    expanded.set(patterns, byPlace);
  }
  const key = `${where.home ?? ''}\0${where.workspace}`;
  let globs = byPlace.get(key);
  if (!globs) {
    globs = patterns.flatMap((pattern) => {
      if (pattern.includes('${home}') && !where.home) return [];
      return [
        pattern.replaceAll('${home}', where.home ?? '').replaceAll('${workspace}', where.workspace),
      ];
    });
    if (byPlace.size > 256) byPlace.clear();
    byPlace.set(key, globs);
  }
  return globs;
}

/** The first of `patterns` a path matches, for the reason that quotes it. */
export function firstMatch(path: string, patterns: readonly string[]): string | undefined {
  return firstGlob(path, patterns);
}
