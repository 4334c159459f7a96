import type { StageDecision } from '../shared/staged';
import type { NotDone } from '@fanout/contracts';
import { FAMILIES, hasImportGraph, languageOf } from './languages';
import type { Knowledge } from './knowledge';
import { searchPatterns, type SearchPattern } from './search-patterns';
import { readCandidates } from './ranking';

/** What one round of the codebase specialist does; its child workflow follows from it. */
export type Stage =
  | { kind: 'structure'; globs: { task: string; patterns: string[] }[] }
  | {
      kind: 'search';
      greps: { task: string; patterns: SearchPattern[]; caseSensitive: true | 'smart' }[];
    }
  /** `files`: the globs of the families found that code.xref reads. */
  | { kind: 'graph'; files: string[] }
  | { kind: 'read'; paths: string[] };

/** The next stage, or none when there is nothing left worth a round; `notes` say what was passed over. */
export type Decision = StageDecision<Stage>;

export const READS_PER_ROUND = 8;
export const MAX_READ_ROUNDS = 6;

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
  if (!knowledge.stagesDone.has('search')) {
    const languages = [...new Set(knowledge.files.map(languageOf))].filter((l) => l !== undefined);
    const { patterns, cut } = searchPatterns(knowledge.words, languages.sort());
    if (cut.length > 0) {
      notes.push({ what: `search for ${cut.join(', ')}`, why: 'a search round holds 24 patterns' });
    }
    if (patterns.length > 0) {
      if (left < 1)
        return short(
          `search for ${knowledge.words.symbols.concat(knowledge.words.terms).join(', ')}`,
        );
      return { stage: { kind: 'search', greps: grepsOf(patterns, left) }, notes };
    }
    notes.push({ what: 'search the files', why: 'the goal names no symbol or term to search for' });
  }
  if (!knowledge.stagesDone.has('graph')) {
    const files = knowledge.files.filter((path) => {
      const language = languageOf(path);
      return language !== undefined && hasImportGraph(language);
    });
    if (files.length === 0) {
      notes.push({
        what: 'build the import graph',
        why: 'code.xref reads TypeScript, JavaScript and Python, and there are none',
      });
    } else if (left < 1) {
      return short('build the import graph (code.xref)');
    } else {
      return { stage: { kind: 'graph', files: graphedGlobs(knowledge) }, notes };
    }
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

function grepsOf(
  patterns: SearchPattern[],
  left: number,
): Extract<Stage, { kind: 'search' }>['greps'] {
  const symbols = patterns.filter((pattern) => pattern.role !== 'term');
  const terms = patterns.filter((pattern) => pattern.role === 'term');
  if (symbols.length === 0) return [{ task: 'terms', patterns: terms, caseSensitive: 'smart' }];
  if (terms.length === 0) return [{ task: 'symbols', patterns: symbols, caseSensitive: true }];
  // Symbols match case for case, terms in any case: two walks, unless one task is all there is.
  if (left < 2) return [{ task: 'words', patterns, caseSensitive: 'smart' }];
  return [
    { task: 'symbols', patterns: symbols, caseSensitive: true },
    { task: 'terms', patterns: terms, caseSensitive: 'smart' },
  ];
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
