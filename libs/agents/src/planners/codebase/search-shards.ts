import { byText } from '../shared/outcomes';

/** One part of a search of the root: code.grep's `paths`, and what it leaves to other parts. */
export interface SearchShard {
  /** Top-level directories to search; empty for the whole root. */
  paths: string[];
  /** Anchored globs of the directories other parts search, for the part that walks the root. */
  exclude: string[];
}

/**
 * Files per part: below this a search is one rg walk, since starting a process costs
 * more than the files it would take off another's hands.
 */
export const FILES_PER_SHARD = 500;

/**
 * Splits a search of the root into at most `count` parts that run at once: the top-level
 * directories the source files are in, grouped so that each part has about as many
 * files, and one last part that walks the root without them: files at the top level and
 * any directory the structure round did not list (it stops at its cap). Together the
 * parts search exactly what one walk of the root would. Deterministic: the same files
 * give the same parts.
 */
export function searchShards(files: readonly string[], count: number): SearchShard[] {
  const perDirectory = new Map<string, number>();
  for (const path of files) {
    const slash = path.indexOf('/');
    if (slash > 0) {
      const directory = path.slice(0, slash);
      perDirectory.set(directory, (perDirectory.get(directory) ?? 0) + 1);
    }
  }
  const calls = Math.min(count, Math.ceil(files.length / FILES_PER_SHARD));
  // One call walks the root without the directories the others search.
  const parts = Math.min(calls - 1, perDirectory.size);
  if (parts < 1) return [{ paths: [], exclude: [] }];
  // Largest first, each to the part with the fewest files so far: balanced enough.
  const groups = Array.from({ length: parts }, () => ({ paths: [] as string[], files: 0 }));
  const largestFirst = [...perDirectory].sort((a, b) => b[1] - a[1] || byText(a[0], b[0]));
  for (const [directory, size] of largestFirst) {
    const lightest = groups.reduce((best, group) => (group.files < best.files ? group : best));
    lightest.paths.push(directory);
    lightest.files += size;
  }
  const shards = groups.map((group) => ({ paths: group.paths.sort(byText), exclude: [] }));
  const searched = [...perDirectory.keys()].sort(byText);
  return [...shards, { paths: [], exclude: searched.map((dir) => `/${globLiteral(dir)}/`) }];
}

/** A name as a glob that matches only itself: rg's glob metacharacters escaped. */
function globLiteral(name: string): string {
  return name.replace(/[\\*?[\]{}!]/g, (char) => `\\${char}`);
}
