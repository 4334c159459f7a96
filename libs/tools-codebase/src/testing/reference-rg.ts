import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { ripgrepPath } from '../ripgrep/ripgrep-path';

/**
 * A tree nobody here wrote, for differential tests: the installed `node_modules/@nx` (a
 * thousand files of JavaScript, typings, JSON and docs).
 */
export const NX_TREE = resolve(import.meta.dirname, '../../../../node_modules/@nx');

/**
 * The system's `rg` when there is one — a different build and version from the one
 * code.grep runs — so that a mistake in our flags or our reading of rg's output shows up
 * as a difference; else the bundled one.
 */
export const REFERENCE_RG = existsSync('/usr/bin/rg') ? '/usr/bin/rg' : ripgrepPath;

/** How code.grep walks the tree, and the rg flags that walk the same way. */
export const WALK_MODES = [
  {
    name: 'ignore files honoured',
    input: {},
    flags: ['--no-ignore-parent', '--no-ignore-global', '--no-require-git'],
  },
  {
    name: 'gitignore: false, hidden: true',
    input: { gitignore: false, hidden: true },
    flags: ['--no-ignore', '--hidden'],
  },
];

/** One search as rg's own command line says it. */
export interface ReferenceSearch {
  pattern: string;
  literal?: boolean;
  caseSensitive?: boolean | 'smart';
  include?: string[];
  exclude?: string[];
}

const run = promisify(execFile);

/** The `path:line` of every line rg prints for a search under `root`, driven through its plain output. */
export async function referenceLines(
  root: string,
  search: ReferenceSearch,
  flags: string[],
  rg = REFERENCE_RG,
): Promise<string[]> {
  const args = [
    '--no-config',
    ...flags,
    '--line-number',
    '--no-heading',
    '--with-filename',
    '--null',
  ];
  if (search.caseSensitive === false) args.push('-i');
  else if (search.caseSensitive === 'smart') args.push('-S');
  else args.push('-s');
  if (search.literal) args.push('-F');
  for (const glob of search.include ?? []) args.push('-g', glob);
  for (const glob of search.exclude ?? []) args.push('-g', `!${glob}`);
  args.push('-e', search.pattern, './');
  try {
    const { stdout } = await run(rg, args, { cwd: root, maxBuffer: 1 << 30 });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const nul = line.indexOf('\0');
        const path = line.slice(0, nul).replace(/^\.\//, '');
        return `${path}:${line.slice(nul + 1, line.indexOf(':', nul))}`;
      });
  } catch (error) {
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
}
