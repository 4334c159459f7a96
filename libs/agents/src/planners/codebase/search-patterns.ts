import type { GoalWords } from './goal-words';
import { definitionPatterns, type Language } from './languages';

/** What a line a pattern matches says about the word it was made for. */
export type Role = 'definition' | 'call' | 'mention' | 'term';

/** One search pattern and what a line it matches means. */
export interface SearchPattern {
  word: string;
  role: Role;
  regex: string;
}

/** Patterns one round of search may hold (they go to a few code.grep calls). */
export const MAX_PATTERNS = 24;

/**
 * The patterns a goal is searched with: for each symbol it names, how each language found
 * declares it, a call of it and any mention of it; then its terms (a prefix match, so
 * "retry" finds "retries"). Symbols come first: when the cap cuts, it cuts terms.
 */
export function searchPatterns(
  words: GoalWords,
  languages: readonly Language[],
): { patterns: SearchPattern[]; cut: string[] } {
  const all: SearchPattern[] = [];
  for (const symbol of words.symbols) {
    const name = escapeRegex(symbol);
    const definitions = new Set(
      languages.flatMap((language) => definitionPatterns(language, name)),
    );
    for (const regex of definitions) all.push({ word: symbol, role: 'definition', regex });
    all.push({ word: symbol, role: 'call', regex: `\\b${name}\\s*\\(` });
    all.push({ word: symbol, role: 'mention', regex: `\\b${name}\\b` });
  }
  for (const term of words.terms) {
    all.push({ word: term, role: 'term', regex: `\\b${escapeRegex(term)}` });
  }
  const patterns = all.slice(0, MAX_PATTERNS);
  const cut = all.slice(MAX_PATTERNS).map((pattern) => `${pattern.role} of "${pattern.word}"`);
  return { patterns, cut };
}

/**
 * The regex a pattern is in JavaScript, to sort lines by: symbols match case for case,
 * terms (lower-cased, searched with smart case) in any case.
 */
export function compiled(pattern: SearchPattern): RegExp {
  let regex = COMPILED.get(pattern);
  if (!regex) {
    regex = new RegExp(pattern.regex, pattern.role === 'term' ? 'i' : '');
    COMPILED.set(pattern, regex);
  }
  return regex;
}

const COMPILED = new WeakMap<SearchPattern, RegExp>();

/**
 * The patterns a line matches. Each pattern's regex holds its word as it is (a term's in
 * any case), so the words are looked for first and only the patterns of those found are
 * run: most lines of a file read have none of the goal's words, and a substring search
 * is far cheaper than a regex.
 */
export function patternsMatching(
  patterns: readonly SearchPattern[],
  text: string,
): SearchPattern[] {
  let lower: string | undefined;
  const matched = new Set<SearchPattern>();
  for (const group of wordGroups(patterns)) {
    const present = group.inAnyCase
      ? (lower ??= text.toLowerCase()).includes(group.needle)
      : text.includes(group.needle);
    if (!present) continue;
    for (const pattern of group.patterns) if (compiled(pattern).test(text)) matched.add(pattern);
  }
  return matched.size === 0 ? [] : patterns.filter((pattern) => matched.has(pattern));
}

/** The patterns of one word, and how a line is searched for it. */
interface WordGroup {
  needle: string;
  inAnyCase: boolean;
  patterns: SearchPattern[];
}

const WORD_GROUPS = new WeakMap<readonly SearchPattern[], WordGroup[]>();

/** The patterns by word, worked out once per list: every line read is matched against it. */
function wordGroups(patterns: readonly SearchPattern[]): WordGroup[] {
  let groups = WORD_GROUPS.get(patterns);
  if (!groups) {
    const byKey = new Map<string, WordGroup>();
    for (const pattern of patterns) {
      const inAnyCase = pattern.role === 'term';
      const needle = inAnyCase ? pattern.word.toLowerCase() : pattern.word;
      const key = `${inAnyCase ? 't' : 's'}${needle}`;
      const group = byKey.get(key) ?? { needle, inAnyCase, patterns: [] };
      group.patterns.push(pattern);
      byKey.set(key, group);
    }
    groups = [...byKey.values()];
    WORD_GROUPS.set(patterns, groups);
  }
  return groups;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
