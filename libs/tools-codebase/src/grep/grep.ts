import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolContext, ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { CodeGrep } from '@fanout/contracts';
import { DEFAULT_CODEBASE_SETTINGS, type CodebaseSettings } from '../codebase-settings';
import { throwIfCancelled } from '../errors';
import { parseInput } from '../input';
import { openJail, resolveInside, type Jail } from '../jail';
import { interpretExit } from '../ripgrep/exit-status';
import { runRipgrep } from '../ripgrep/run-ripgrep';
import { PatternBatch } from './batch/pattern-batch';
import { ContextWindow, type GrepMatch } from './context-window';
import { grepArgs } from './grep-args';
import { RgOutputReader } from './rg-output-reader';

/** The result of `code.grep`, plus what rg complained about when the search was partial. */
export type GrepResult = ToolOutputOf<'code.grep'> & { warnings?: string[] };

/**
 * `code.grep`: searches file contents under `root` with ripgrep and streams each match
 * as rg finds it, then returns `{matches, truncated, filesSearched}`.
 *
 * - `path` is relative to root, "/"-separated; `line` is 1-based; `column` is the
 *   1-based BYTE offset of the first match on the line (rg's `--column`), not a
 *   character count: on non-ASCII lines the two differ. Bytes that are not UTF-8, in a
 *   path or a line, come back as U+FFFD.
 * - `include`/`exclude` are rg globs (`-g`, `-g !`, gitignore syntax). As in rg, an
 *   include glob is an override: a file it names is searched even if it is ignored or
 *   hidden — but it never lifts an ignored directory.
 * - With `context`, each match carries up to that many lines `before` and `after` it.
 * - `truncated` is true when more matches existed than `maxMatches`: rg is killed at the
 *   first match beyond the limit. `filesSearched` is rg's own count (`--stats`) when it
 *   finished; on a search cut short, the files whose lines had arrived by then.
 * - rg failing on some files (unreadable, vanished) gives a partial result with
 *   `warnings`; an invalid regex is `INVALID_INPUT` with rg's message.
 * - With `paths`, only those directories or files under the root are searched (each
 *   checked to be inside it); the root's own ignore files are given to rg, which would
 *   otherwise see them as a parent's and, jailed, not read them.
 * - With `patterns`, one rg walk searches for all of them and each match lists the
 *   patterns its line matches (`PatternBatch`); `column` is where the first of them
 *   starts.
 *
 * Output is parsed line by line as it streams, so memory holds the matches and one
 * chunk of rg's output, never the whole of it. Aborting `ctx.signal` kills rg.
 * `settings` name the rg binary (default: the bundled one).
 */
export async function* grep(
  input: ToolParamsOf<'code.grep'>,
  ctx: ToolContext,
  settings: CodebaseSettings = DEFAULT_CODEBASE_SETTINGS,
): AsyncGenerator<GrepMatch, GrepResult, void> {
  const params = parseInput(CodeGrep, input);
  const batch =
    params.patterns && PatternBatch.of(params.patterns, params.literal, params.caseSensitive);
  const jail = await openJail(params.root);
  const limit = params.maxMatches ?? Number.POSITIVE_INFINITY;
  const window = new ContextWindow(params.context);
  const reader = new RgOutputReader();
  const matches: GrepMatch[] = [];
  let accepted = 0;
  let truncated = false;
  let filesSearched: number | undefined;
  /** One line of rg's output in; the matches it completes out. */
  const step = (buffer: Buffer, start: number, end: number): GrepMatch[] => {
    const line = reader.read(buffer, start, end);
    if (line.kind === 'files-searched') filesSearched = line.count;
    if (line.kind !== 'match' && line.kind !== 'context') return [];
    const { match } = line;
    if (line.kind === 'match' && accepted < limit) {
      accepted += 1;
      if (batch) match.patterns = batch.tag(line.carriageReturn ? `${match.text}\r` : match.text);
      return window.match(match);
    }
    // A match beyond the limit is only the earlier matches' context now.
    if (line.kind === 'match') truncated = true;
    return window.context(match.path, match.line, match.text);
  };

  const paths = await searchedPaths(jail, params);
  const args = grepArgs(params, batch, paths);
  const run = runRipgrep(args, jail.real, ctx.signal, settings.ripgrepPath);
  try {
    read: for await (const { buffer, starts, ends } of run.lines()) {
      for (let i = 0; i < starts.length; i += 1) {
        for (const match of step(buffer, starts[i], ends[i])) {
          matches.push(match);
          yield match;
        }
        if (truncated && window.waiting === 0) break read;
      }
    }
    for (const match of window.flush()) {
      matches.push(match);
      yield match;
    }
  } finally {
    await run.stop();
  }
  const sought = batch ? `${batch.rgPatterns.length} patterns` : `/${params.pattern}/`;
  const what = `code.grep for ${sought} under ${params.root}`;
  throwIfCancelled(ctx.signal, what);
  const exit = await run.exited;
  const warnings = interpretExit(exit, what, filesSearched !== undefined || matches.length > 0);
  const result: GrepResult = {
    matches,
    truncated,
    filesSearched: filesSearched ?? reader.filesWithOutput,
  };
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}

/** The root's ignore files, read by rg as a walk of the root reads them. */
const ROOT_IGNORE_FILES = ['.gitignore', '.ignore', '.rgignore'];

/** `paths` checked to be inside the root, and the root's ignore files that still apply to them. */
async function searchedPaths(
  jail: Jail,
  params: { paths: string[]; gitignore: boolean },
): Promise<{ paths: string[]; ignoreFiles: string[] }> {
  if (params.paths.length === 0) return { paths: [], ignoreFiles: [] };
  const paths = await Promise.all(
    params.paths.map(async (path) => (await resolveInside(jail, path)).relative),
  );
  // The root itself among them: the whole root, as without paths.
  if (paths.includes('')) return { paths: [], ignoreFiles: [] };
  const ignoreFiles = [];
  // `gitignore: false` is rg's --no-ignore, which turns off every ignore file.
  if (params.gitignore) {
    for (const name of ROOT_IGNORE_FILES) {
      if (await isFile(join(jail.real, name))) ignoreFiles.push(name);
    }
  }
  return { paths, ignoreFiles };
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (found) => found.isFile(),
    () => false,
  );
}
