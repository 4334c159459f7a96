import type { NotDone, ToolOutputOf } from '@fanout/contracts';
import { byText } from '../shared/outcomes';
import type { GoalWords } from './goal-words';
import { languageOf, type Language } from './languages';
import { patternsMatching, type Role, type SearchPattern } from './search-patterns';

/** A line where a word of the goal occurs, and what it is there (a definition, a call…). */
export interface Hit {
  path: string;
  line: number;
  text: string;
  roles: { word: string; role: Role }[];
}

export type ImportGraph = ToolOutputOf<'code.xref'>;

/**
 * What the codebase specialist knows after some rounds. Rebuilt from the rounds' results
 * at every step (the planner keeps nothing between calls), so it is only ever added to, in
 * the order the rounds ran.
 */
export interface Knowledge {
  root: string;
  words: GoalWords;
  /** Source files found, sorted. */
  files: string[];
  /** The patterns the search round used (empty before it). */
  patterns: SearchPattern[];
  /** By `<path>:<line>`. */
  hits: Map<string, Hit>;
  graph?: ImportGraph;
  /** Files read, as their lines. */
  reads: Map<string, string[]>;
  /** Files a word of the goal occurs in. */
  relevant: Set<string>;
  stagesDone: Set<'structure' | 'survey'>;
  readRounds: number;
  /** Files the last read round made relevant that were not before it. */
  lastReadAdded: number;
  notDone: NotDone[];
}

export function emptyKnowledge(root: string, words: GoalWords): Knowledge {
  return {
    root,
    words,
    files: [],
    patterns: [],
    hits: new Map(),
    reads: new Map(),
    relevant: new Set(),
    stagesDone: new Set(),
    readRounds: 0,
    lastReadAdded: 0,
    notDone: [],
  };
}

/** Source files by language, most files first (ties by name), as the structure round found them. */
export function languageCounts(knowledge: Knowledge): { language: Language; files: number }[] {
  const counts = new Map<Language, number>();
  for (const path of knowledge.files) {
    const language = languageOf(path);
    if (language) counts.set(language, (counts.get(language) ?? 0) + 1);
  }
  return [...counts]
    .map(([language, files]) => ({ language, files }))
    .sort((a, b) => b.files - a.files || byText(a.language, b.language));
}

/**
 * Records a line if a pattern of the goal matches it, with every role it plays; returns
 * whether the file was not relevant before.
 */
export function recordLine(
  knowledge: Knowledge,
  path: string,
  line: number,
  text: string,
): boolean {
  const roles = patternsMatching(knowledge.patterns, text).map(({ word, role }) => ({
    word,
    role,
  }));
  if (roles.length === 0) return false;
  const key = `${path}:${line}`;
  const known = knowledge.hits.get(key);
  if (known) {
    for (const role of roles) {
      if (!known.roles.some((r) => r.word === role.word && r.role === role.role)) {
        known.roles.push(role);
      }
    }
  } else {
    knowledge.hits.set(key, { path, line, text, roles });
  }
  const added = !knowledge.relevant.has(path);
  knowledge.relevant.add(path);
  return added;
}

/** Hits in file then line order, as findings cite them. */
export function sortedHits(knowledge: Knowledge): Hit[] {
  return [...knowledge.hits.values()].sort((a, b) => byText(a.path, b.path) || a.line - b.line);
}
