import { encodedLength, prefixWithin, type TextEncoding } from './encoding';

/** What a line-range read has gathered so far. */
export interface RangeState {
  readonly content: string;
  /** The last line any of whose text is in `content`, or startLine - 1 when none is. */
  readonly endLine: number;
  readonly bytes: number;
  readonly truncated: boolean;
  /** True once nothing more of the file can change the answer. */
  readonly done: boolean;
}

/**
 * Collects the lines `startLine..endLine` (1-based, inclusive, each with its line break
 * as in the file) from decoded text fed in pieces, up to `maxBytes` bytes of the file's
 * encoding. Lines before the range are only counted, never kept, so a read deep into a
 * huge file holds no more than what it returns.
 */
export class LineRange {
  private line = 1;
  private parts: string[] = [];
  private bytes = 0;
  private lastLine: number;
  private truncated = false;

  constructor(
    private readonly startLine: number,
    private readonly endLine: number,
    private readonly maxBytes: number,
    private readonly encoding: TextEncoding,
  ) {
    this.lastLine = startLine - 1;
  }

  get done(): boolean {
    return this.truncated || this.line > this.endLine;
  }

  /** Feeds the next piece of decoded text. */
  push(text: string): void {
    let position = 0;
    while (position < text.length && !this.done) {
      const newline = text.indexOf('\n', position);
      if (this.line < this.startLine) {
        if (newline === -1) return;
        this.line += 1;
        position = newline + 1;
        continue;
      }
      const end = newline === -1 ? text.length : newline + 1;
      this.take(text.slice(position, end));
      if (newline !== -1 && !this.truncated) this.line += 1;
      position = end;
    }
  }

  /** The answer so far; after the last `push`, the answer. */
  result(): RangeState {
    return {
      content: this.parts.join(''),
      endLine: this.lastLine,
      bytes: this.bytes,
      truncated: this.truncated,
      done: this.done,
    };
  }

  private take(segment: string): void {
    const size = encodedLength(segment, this.encoding);
    if (this.bytes + size <= this.maxBytes) {
      this.parts.push(segment);
      this.bytes += size;
      this.lastLine = this.line;
      return;
    }
    const prefix = prefixWithin(segment, this.maxBytes - this.bytes, this.encoding);
    if (prefix) {
      this.parts.push(prefix);
      this.bytes += encodedLength(prefix, this.encoding);
      this.lastLine = this.line;
    }
    this.truncated = true;
  }
}
