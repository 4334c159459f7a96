import type { GrepMatch } from './context-window';

/** What one line of rg's output is. */
export type RgOutputLine =
  | { kind: 'match' | 'context'; match: GrepMatch; carriageReturn: boolean }
  | { kind: 'files-searched'; count: number }
  | { kind: 'other' };

const NUL = 0x00;
const COLON = 0x3a;
const DASH = 0x2d;
const CR = 0x0d;
const FILES_SEARCHED = /^(\d+) files searched$/;

/** A non-negative integer written at `at`, and the offset after it (NaN when none is there). */
function integerAt(buffer: Buffer, at: number, end: number): [value: number, next: number] {
  let value = 0;
  let i = at;
  for (; i < end && buffer[i] >= 0x30 && buffer[i] <= 0x39; i += 1) {
    value = value * 10 + buffer[i] - 0x30;
  }
  return [i === at ? Number.NaN : value, i];
}

/**
 * Reads rg's plain output in the shape `grepArgs` asks for: `path NUL line:column:text`
 * for a match, `path NUL line-text` for a context line, and after the last file the
 * `--stats` block, of which only "N files searched" is kept. The NUL after the path is
 * what makes this unambiguous — a path cannot contain one, and the line number that
 * follows it is digits up to the first `:` or `-` — so any bytes may follow in the text.
 * Lines that fit neither shape (rg's note that it stopped in a binary file, the blank
 * line before the stats) are `other`.
 *
 * The path is decoded once per file and the text once per line, each straight from the
 * bytes into a fresh string: nothing else of rg's output becomes a string, and no kept
 * string pins rg's output chunk in memory. Bytes that are not UTF-8 become U+FFFD.
 */
export class RgOutputReader {
  private pathBytes = Buffer.alloc(0);
  private path = '';
  /** Files whose lines have been seen: the count when rg is stopped before its stats. */
  filesWithOutput = 0;

  read(buffer: Buffer, start: number, end: number): RgOutputLine {
    const nul = buffer.indexOf(NUL, start);
    if (nul === -1 || nul >= end) return this.trailer(buffer.toString('utf8', start, end));
    const [line, after] = integerAt(buffer, nul + 1, end);
    const separator = buffer[after];
    if (Number.isNaN(line) || (separator !== COLON && separator !== DASH)) return { kind: 'other' };
    let column = 1;
    let textStart = after + 1;
    if (separator === COLON) {
      const [value, next] = integerAt(buffer, textStart, end);
      if (Number.isNaN(value) || buffer[next] !== COLON) return { kind: 'other' };
      column = value;
      textStart = next + 1;
    }
    // A CRLF file's `\r` is no part of the text reported, but rg matched the line with it.
    const carriageReturn = end > textStart && buffer[end - 1] === CR;
    const textEnd = carriageReturn ? end - 1 : end;
    const match: GrepMatch = {
      path: this.pathOf(buffer, start, nul),
      line,
      column,
      text: buffer.toString('utf8', textStart, textEnd),
    };
    return { kind: separator === COLON ? 'match' : 'context', match, carriageReturn };
  }

  private trailer(text: string): RgOutputLine {
    const searched = FILES_SEARCHED.exec(text);
    return searched ? { kind: 'files-searched', count: Number(searched[1]) } : { kind: 'other' };
  }

  /** The path in `buffer[from, to)`, decoded only when it differs from the last one. */
  private pathOf(buffer: Buffer, from: number, to: number): string {
    const length = to - from;
    if (
      length !== this.pathBytes.length ||
      buffer.compare(this.pathBytes, 0, length, from, to) !== 0
    ) {
      this.pathBytes = Buffer.from(buffer.subarray(from, to));
      this.path = this.pathBytes.toString('utf8');
      this.filesWithOutput += 1;
    }
    return this.path;
  }
}
