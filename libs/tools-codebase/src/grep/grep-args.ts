import type { ToolParamsOf } from '@fanout/contracts';
import { CodebaseError, CodebaseErrorCode } from '../errors';
import { walkFlags } from '../ripgrep/walk-flags';
import type { PatternBatch } from './batch/pattern-batch';

/** rg's flag for each of the contract's case modes. */
const CASE_FLAG = {
  true: '--case-sensitive',
  false: '--ignore-case',
  smart: '--smart-case',
} as const;

/**
 * rg's output for code.grep: one line per match or context line, the path ended by a
 * NUL, then the line number and (for matches) the byte column. Not `--json`: on a search
 * with many matches rg takes 1.2-1.9x as long to write JSON (every hit of every line is
 * an object) and reading it cost us more than rg's whole search — code.grep over JSON
 * was 2.5-3x `rg -n` on node_modules, over this 1.3-1.5x. It is as unambiguous where it
 * matters (see `RgOutputReader`), and `--stats` gives the number of files searched.
 */
const OUTPUT = [
  '--null',
  '--line-number',
  '--column',
  '--no-heading',
  '--with-filename',
  '--color=never',
  '--no-context-separator',
  '--stats',
];

/**
 * The rg command line for a code.grep call: the output shape, the shared walk flags,
 * then the filters. Globs use the `--glob=` form and each pattern follows `-e`, so a
 * value starting with `-` is never read as a flag. Excludes come after includes: in rg
 * the later glob wins. A batch of patterns has its case and literalness written into
 * each pattern (see `PatternBatch`), so rg runs case-sensitive on regexes.
 */
export function grepArgs(
  params: ToolParamsOf<'code.grep'>,
  batch?: PatternBatch,
  searched: { paths: string[]; ignoreFiles: string[] } = { paths: [], ignoreFiles: [] },
): string[] {
  const args = [...OUTPUT, ...walkFlags(params)];
  if (batch) args.push(CASE_FLAG.true);
  else args.push(CASE_FLAG[`${params.caseSensitive}`]);
  if (params.literal && !batch) args.push('--fixed-strings');
  if (params.context > 0) args.push(`--context=${params.context}`);
  for (const glob of params.include) args.push(`--glob=${glob}`);
  for (const glob of params.exclude) args.push(`--glob=!${glob}`);
  for (const name of searched.ignoreFiles) args.push(`--ignore-file=${name}`);
  for (const pattern of batch?.rgPatterns ?? [onePattern(params)]) args.push('-e', pattern);
  // After `--` a path is a path, even one that starts with a dash.
  if (searched.paths.length > 0) args.push('--', ...searched.paths);
  return args;
}

function onePattern(params: ToolParamsOf<'code.grep'>): string {
  if (params.pattern !== undefined) return params.pattern;
  throw new CodebaseError(
    CodebaseErrorCode.InvalidInput,
    'code.grep needs `pattern` or `patterns`',
  );
}
