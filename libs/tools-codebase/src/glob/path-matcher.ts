import picomatch from 'picomatch';
import type { Jail } from '../jail';
import { relativeInside } from '../jail';

/** Decides whether a path (relative to the root, "/"-separated) is wanted. */
export type PathMatcher = (path: string) => boolean;

/**
 * Jails one glob pattern: relative to the root, or absolute under it; `..` that climbs
 * out is refused like any other path. `./src/**` becomes `src/**`.
 */
function jailPattern(jail: Jail, pattern: string): string {
  return relativeInside(jail, pattern);
}

/**
 * Compiles fast-glob-style patterns (picomatch, the matcher fast-glob itself uses) into
 * one test: a path must match some pattern and no ignore glob. A leading `!` turns a
 * pattern into an ignore, as in fast-glob. An ignore glob that names a directory also
 * ignores everything below it (`dist` drops `dist/a.js`), again as fast-glob does.
 * Dot-files match `*`: whether they are seen at all is the walk's `hidden` option.
 */
export function compileMatcher(jail: Jail, patterns: string[], ignore: string[]): PathMatcher {
  const wanted: string[] = [];
  const unwanted: string[] = [];
  for (const raw of patterns) {
    if (raw.startsWith('!')) unwanted.push(raw.slice(1));
    else wanted.push(raw);
  }
  unwanted.push(...ignore);
  const include = wanted.map((pattern) => jailPattern(jail, pattern)).filter(Boolean);
  const exclude = unwanted.filter(Boolean).flatMap((pattern) => {
    const jailed = jailPattern(jail, pattern);
    return jailed ? [jailed, `${jailed}/**`] : [];
  });
  if (include.length === 0) return () => false;
  const options = { dot: true };
  const isIncluded = picomatch(include, options);
  if (exclude.length === 0) return isIncluded;
  const isExcluded = picomatch(exclude, options);
  return (path) => isIncluded(path) && !isExcluded(path);
}
