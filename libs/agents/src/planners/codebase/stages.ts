import type { StageDecision } from '../shared/staged';
import type { NotDone } from '@fanout/contracts';
import { FAMILIES, hasImportGraph, languageOf } from './languages';
import type { Knowledge } from './knowledge';
import { searchPatterns, type SearchPattern } from './search-patterns';
import { searchShards, type SearchShard } from './search-shards';
import { readCandidates } from './ranking';

/** One code.grep of the search: its patterns, over one part of the root. */
export interface Grep {
  task: string;
  patterns: SearchPattern[];
  caseSensitive: true | 'smart';
  shard: SearchShard;
  /** How many parts its walk was split into (one: a walk of the root). */
  parts: number;
}

/** What one round of the codebase specialist does; its child workflow follows from it. */
export type Stage =
  | { kind: 'structure'; globs: { task: string; patterns: string[] }[] }
  /**
   * The search for the goal's words and the import graph, in one round: each needs only
   * the structure, not the other. `graph`: the globs of the families found that code.xref
   * reads. Either may be absent (nothing to search for, no language with imports).
   */
  | { kind: 'survey'; greps: Grep[]; graph?: string[] }
  | { kind: 'read'; paths: string[] };

/** The next stage, or none when there is nothing left worth a round; `notes` say what was passed over. */
export type Decision = StageDecision<Stage>;

export const READS_PER_ROUND = 8;
export const MAX_READ_ROUNDS = 6;
/** code.grep calls a search is split into at most: a codebase worker's grep slots, so all run at once. */
export const SEARCH_CALLS = 32;

/**
 * Chooses the next round from what is known and how many tasks are left: structure, then
 * the search for the goal's words, then the import graph, then reads of the best files,
 * expanding to graph neighbours while reading turns up new relevant files.
 */
export function nextStage(knowledge: Knowledge, left: number): Decision {
  const notes: NotDone[] = [];
  const short = (what: string): Decision => ({
    notes: [...notes, { what, why: 'budget.maxTasks leaves no tasks for it' }],
  });
  if (!knowledge.stagesDone.has('structure')) {
    if (left < 1) return short('list the source files (code.glob)');
    const globs =
      left >= FAMILIES.length
        ? FAMILIES.map((family) => ({ task: family.id, patterns: family.patterns }))
        : [{ task: 'all', patterns: FAMILIES.flatMap((family) => family.patterns) }];
    return { stage: { kind: 'structure', globs }, notes };
  }
  if (knowledge.files.length === 0) return { notes };
  if (!knowledge.stagesDone.has('survey')) {
    const survey = surveyOf(knowledge, left, notes);
    if (survey) return survey;
  }
  const { unreadRelevant, neighbours } = readCandidates(knowledge);
  // The first read round takes the best files and their neighbours; later ones go on
  // only while the last turned up a relevant file it did not know of.
  const expanding = knowledge.readRounds === 0 || knowledge.lastReadAdded > 0;
  const candidates = [...unreadRelevant, ...(expanding ? neighbours : [])];
  if (candidates.length === 0) return { notes };
  const unread = describeFiles(unreadRelevant);
  if (knowledge.readRounds >= MAX_READ_ROUNDS) {
    if (unreadRelevant.length > 0) {
      notes.push({ what: `read ${unread}`, why: `reading stops after ${MAX_READ_ROUNDS} rounds` });
    }
    return { notes };
  }
  if (left < 1) return unreadRelevant.length > 0 ? short(`read ${unread}`) : { notes };
  const paths = candidates.slice(0, Math.min(READS_PER_ROUND, left));
  return { stage: { kind: 'read', paths }, notes };
}

/**
 * The survey round, or none when it has nothing to do. The search and the graph share the
 * tasks left: the graph takes one, unless one is all there is and the search wants it.
 */
function surveyOf(knowledge: Knowledge, left: number, notes: NotDone[]): Decision | undefined {
  const languages = [...new Set(knowledge.files.map(languageOf))].filter((l) => l !== undefined);
  const { patterns, cut } = searchPatterns(knowledge.words, languages.sort());
  if (cut.length > 0) {
    notes.push({ what: `search for ${cut.join(', ')}`, why: 'a search round holds 24 patterns' });
  }
  if (patterns.length === 0) {
    notes.push({ what: 'search the files', why: 'the goal names no symbol or term to search for' });
  }
  const graphed = knowledge.files.some((path) => {
    const language = languageOf(path);
    return language !== undefined && hasImportGraph(language);
  });
  if (!graphed) {
    notes.push({
      what: 'build the import graph',
      why: 'code.xref reads TypeScript, JavaScript and Python, and there are none',
    });
  }
  if (patterns.length === 0 && !graphed) return undefined;
  const short = (what: string) =>
    notes.push({ what, why: 'budget.maxTasks leaves no tasks for it' });
  const graph = graphed && left >= (patterns.length === 0 ? 1 : 2);
  const searchTasks = patterns.length === 0 ? 0 : left - (graph ? 1 : 0);
  if (graphed && !graph) short('build the import graph (code.xref)');
  if (patterns.length > 0 && searchTasks < 1) {
    const words = knowledge.words.symbols.concat(knowledge.words.terms);
    short(`search for ${words.join(', ')}`);
  }
  const greps = searchTasks >= 1 ? grepsOf(patterns, knowledge.files, searchTasks) : [];
  if (greps.length === 0 && !graph) return { notes };
  return {
    stage: { kind: 'survey', greps, ...(graph ? { graph: graphedGlobs(knowledge) } : {}) },
    notes,
  };
}

/**
 * The search's code.grep calls: symbols match case for case and terms in any case, so two
 * walks unless one task is all there is; each walk split by directory (`searchShards`)
 * into calls that run at once, as many as the tasks left allow.
 */
function grepsOf(patterns: SearchPattern[], files: readonly string[], left: number): Grep[] {
  const symbols = patterns.filter((pattern) => pattern.role !== 'term');
  const terms = patterns.filter((pattern) => pattern.role === 'term');
  const walks: Omit<Grep, 'shard' | 'parts'>[] =
    symbols.length === 0
      ? [{ task: 'terms', patterns: terms, caseSensitive: 'smart' }]
      : terms.length === 0
        ? [{ task: 'symbols', patterns: symbols, caseSensitive: true }]
        : left < 2
          ? [{ task: 'words', patterns, caseSensitive: 'smart' }]
          : [
              { task: 'symbols', patterns: symbols, caseSensitive: true },
              { task: 'terms', patterns: terms, caseSensitive: 'smart' },
            ];
  const perWalk = Math.floor(Math.min(left, SEARCH_CALLS) / walks.length);
  const shards = searchShards(files, perWalk);
  return walks.flatMap((walk) =>
    shards.map((shard, index) => ({
      ...walk,
      task: shards.length === 1 ? walk.task : `${walk.task}-${index + 1}`,
      shard,
      parts: shards.length,
    })),
  );
}

function describeFiles(paths: string[]): string {
  const shown = paths.slice(0, 10).join(', ');
  return paths.length > 10
    ? `${paths.length} files (${shown}, …)`
    : `${paths.length} file(s) (${shown})`;
}

/** The globs of the families files were found in: what the search walks. */
export function searchedGlobs(knowledge: Knowledge): string[] {
  const extensions = new Set(knowledge.files.map(extensionOf));
  return FAMILIES.flatMap((family) => family.patterns).filter((glob) =>
    extensions.has(extensionOf(glob)),
  );
}

/** Of those, the globs of the languages code.xref builds a graph for. */
function graphedGlobs(knowledge: Knowledge): string[] {
  return searchedGlobs(knowledge).filter((glob) => {
    const language = languageOf(glob);
    return language !== undefined && hasImportGraph(language);
  });
}

function extensionOf(path: string): string | undefined {
  return /\.[^./]+$/.exec(path)?.[0];
}
