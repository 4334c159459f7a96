import type { ToolContext, ToolOutputOf, ToolParamsOf } from '@fanout/contracts';
import { CodeGlob } from '@fanout/contracts';
import { throwIfCancelled } from '../errors';
import { parseInput } from '../input';
import { openJail } from '../jail';
import { interpretExit } from '../ripgrep/exit-status';
import { batchLines, runRipgrep } from '../ripgrep/run-ripgrep';
import { walkFlags } from '../ripgrep/walk-flags';
import { compileMatcher } from './path-matcher';

/** The result of `code.glob`, plus what rg complained about on a partial walk. */
export type GlobResult = ToolOutputOf<'code.glob'> & { warnings?: string[] };

/**
 * `code.glob`: lists files under `root` matching `patterns`, streaming each path
 * (relative to root, "/"-separated) as the walk finds it, then returning them all sorted.
 *
 * The walk is ripgrep's (`rg --files`): parallel, it honours nested `.gitignore`,
 * `.ignore` and `.rgignore` files, skips dot-files unless `hidden`, and never follows
 * symlinks — which is how it stays inside the root and why it is fast enough on a large
 * tree. The patterns are then matched with fast-glob's semantics (see `compileMatcher`),
 * so the answer is what fast-glob with the same ignore rules would give.
 *
 * `truncated` is true only when more files matched than `maxResults`: the walk stops at
 * the first file beyond the limit. Which files make the cut is the walk's order, which
 * is not deterministic on a parallel walk. Aborting `ctx.signal` kills the walk.
 */
export async function* glob(
  input: ToolParamsOf<'code.glob'>,
  ctx: ToolContext,
): AsyncGenerator<string, GlobResult, void> {
  const params = parseInput(CodeGlob, input);
  const jail = await openJail(params.root);
  const matches = compileMatcher(jail, params.patterns, params.ignore);
  const limit = params.maxResults ?? Number.POSITIVE_INFINITY;
  const files: string[] = [];
  let truncated = false;
  const run = runRipgrep(['--files', ...walkFlags(params)], jail.real, ctx.signal);
  try {
    walk: for await (const batch of run.lines()) {
      for (const path of batchLines(batch)) {
        if (!matches(path)) continue;
        if (files.length >= limit) {
          truncated = true;
          break walk;
        }
        files.push(path);
        yield path;
      }
    }
  } finally {
    await run.stop();
  }
  throwIfCancelled(ctx.signal, `code.glob under ${params.root}`);
  const warnings = interpretExit(await run.exited, `code.glob under ${params.root}`, true);
  files.sort();
  return warnings.length > 0 ? { files, truncated, warnings } : { files, truncated };
}
