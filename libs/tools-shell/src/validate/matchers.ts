import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { Word } from '../parse/script-model';

const globs = new Map<string, (name: string) => boolean>();
const globSets = new WeakMap<readonly string[], RegExp[]>();
const regexes = new Map<string, RegExp>();

/** A policy glob, compiled once: policies are checked on every call. */
export function glob(pattern: string): (value: string) => boolean {
  let matcher = globs.get(pattern);
  if (!matcher) {
    matcher = picomatch(pattern, { dot: true });
    globs.set(pattern, matcher);
  }
  return matcher;
}

/**
 * The first of several globs a value matches, with the globs compiled once per list:
 * the write and secret checks hold every word of every command against dozens of them.
 */
export function firstGlob(value: string, patterns: readonly string[]): string | undefined {
  let compiled = globSets.get(patterns);
  if (!compiled) {
    compiled = patterns.map((pattern) => picomatch.makeRe(pattern, { dot: true }));
    globSets.set(patterns, compiled);
  }
  const index = compiled.findIndex((re) => re.test(value));
  return index === -1 ? undefined : patterns[index];
}

/** A policy regular expression, compiled once. */
export function regex(source: string): RegExp {
  let compiled = regexes.get(source);
  if (!compiled) {
    compiled = new RegExp(source);
    regexes.set(source, compiled);
  }
  return compiled;
}

/** The name a program goes by in the policy: `/usr/bin/rm`, `\rm` and `"rm"` are all `rm`. */
export function programName(program: Word): string | undefined {
  return program.value === undefined ? undefined : posix.basename(program.value);
}

/** Whether a program's name matches any of the policy's globs. */
export function programIn(name: string | undefined, patterns: readonly string[]): boolean {
  return name !== undefined && patterns.some((pattern) => glob(pattern)(name));
}

/** What an argument pattern is matched against: the value when known, else the source. */
export function argText(word: Word): string {
  return word.value ?? word.text;
}
