import type { ToolContext } from '@fanout/contracts';
import { read } from '@fanout/tools-codebase';
import { fails, HOLDS, type LineClaim, quoted, type Verdict } from './verdict';

/**
 * How much of one file is read to check its claims: every line from the first claimed to
 * the last. Generous, since only claims past it go unchecked, and bounded, since a claim
 * on line 1 and one on line 10,000,000 of a log must not hold the log in memory.
 */
const MAX_BYTES_PER_FILE = 64 * 1024 * 1024;

/**
 * Checks `line` claims against the files under `root`: the file exists there, has the
 * line and, when `text` is given, the line contains it (as written, line break left
 * out). Each file is read once, through code.read, so the jail is code.read's: a path
 * outside the root, through `..` or a symlink, a missing file, a directory and a binary
 * file each fail their claims with code.read's own message.
 */
export async function checkLines(
  root: string | undefined,
  claims: readonly LineClaim[],
  ctx: ToolContext,
): Promise<Verdict[]> {
  if (root === undefined) {
    const reason = 'a "line" claim needs `root`, the directory its path is relative to';
    return claims.map(() => fails(reason));
  }
  const byPath = Map.groupBy(claims.keys(), (index) => claims[index].path);
  const verdicts: Verdict[] = [];
  for (const [path, indexes] of byPath) {
    const lines = indexes.map((index) => claims[index].line);
    const checked = await readLines(root, path, Math.min(...lines), Math.max(...lines), ctx);
    for (const index of indexes) verdicts[index] = judge(claims[index], checked);
  }
  return verdicts;
}

/** A file's lines from `first`, or why it could not be read. */
type Read =
  { lines: string[]; first: number; last: number; truncated: boolean } | { failure: string };

async function readLines(
  root: string,
  path: string,
  first: number,
  last: number,
  ctx: ToolContext,
): Promise<Read> {
  try {
    const result = await read(
      { root, path, startLine: first, endLine: last, maxBytes: MAX_BYTES_PER_FILE },
      ctx,
    );
    const lines = result.content.split('\n').map((line) => line.replace(/\r$/, ''));
    // The last line a truncated read returned may be cut short: it is not evidence.
    const through = result.truncated ? result.endLine - 1 : result.endLine;
    return { lines, first, last: through, truncated: result.truncated };
  } catch (error) {
    // A cancelled call ends as cancelled; anything else is this file's claims failing.
    if (ctx.signal.aborted) throw error;
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

function judge(claim: LineClaim, file: Read): Verdict {
  if ('failure' in file) return fails(file.failure);
  if (claim.line > file.last) {
    if (file.truncated) {
      return fails(
        `line ${claim.line} of "${claim.path}" was not checked: lines ${file.first} to ${claim.line} are more than ${MAX_BYTES_PER_FILE} bytes`,
      );
    }
    const end = file.last >= file.first ? `it ends at line ${file.last}` : `it has fewer lines`;
    return fails(`"${claim.path}" has no line ${claim.line}: ${end}`);
  }
  const text = file.lines[claim.line - file.first];
  if (claim.text !== undefined && !text.includes(claim.text)) {
    return fails(
      `line ${claim.line} of "${claim.path}" does not contain ${quoted(claim.text)}; it reads ${quoted(text)}`,
    );
  }
  return HOLDS;
}
