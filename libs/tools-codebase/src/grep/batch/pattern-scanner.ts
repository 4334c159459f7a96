/** A pattern this translation cannot carry over to JavaScript, or that is not a regex. */
export class UntranslatablePattern extends Error {
  override readonly name = 'UntranslatablePattern';
}

/** Characters that stand for themselves in the JavaScript source. */
const PLAIN = /^[A-Za-z0-9_]$/u;
const UPPERCASE = /^\p{Uppercase}$/u;
const WHITESPACE = /^\s$/u;

/**
 * Reads a Rust regex one character (code point) at a time, with what every part of the
 * translation shares: verbose mode (`(?x)`: whitespace and `#` comments are not part of
 * the pattern) and rg's smart-case facts — whether any literal character occurs, and
 * whether an upper-case one does (rg's `AstAnalysis`: `\p{Lu}` or `[[:upper:]]` are
 * classes, not literals, and do not count).
 */
export class PatternScanner {
  private readonly chars: string[];
  private at = 0;
  verbose = false;
  anyLiteral = false;
  anyUppercase = false;

  constructor(readonly pattern: string) {
    this.chars = Array.from(pattern);
  }

  get done(): boolean {
    return this.at >= this.chars.length;
  }

  peek(offset = 0): string | undefined {
    return this.chars[this.at + offset];
  }

  /** The next character, consumed; the pattern ending here is an error. */
  next(what: string): string {
    const char = this.chars[this.at];
    if (char === undefined) this.fail(`${what} is not closed`);
    this.at += 1;
    return char;
  }

  /** Consumes `text` when it comes next. */
  eat(text: string): boolean {
    const chars = Array.from(text);
    if (chars.some((char, i) => this.chars[this.at + i] !== char)) return false;
    this.at += chars.length;
    return true;
  }

  /** Characters up to (not including) `end`, consumed with it; undefined when `end` never comes. */
  until(end: string): string | undefined {
    const close = this.chars.indexOf(end, this.at);
    if (close === -1) return undefined;
    const text = this.chars.slice(this.at, close).join('');
    this.at = close + 1;
    return text;
  }

  /** In verbose mode, skips whitespace and comments (a comment runs to the end of the line). */
  skipSpace(): void {
    if (!this.verbose) return;
    for (let char = this.peek(); char !== undefined; char = this.peek()) {
      if (char === '#') while (!this.done && this.next('comment') !== '\n');
      else if (WHITESPACE.test(char)) this.at += 1;
      else return;
    }
  }

  /** A literal character: counted for smart case, written so it stands for itself. */
  literal(char: string): string {
    this.anyLiteral = true;
    if (UPPERCASE.test(char)) this.anyUppercase = true;
    return escapeChar(char);
  }

  fail(message: string): never {
    throw new UntranslatablePattern(`${message} (at character ${this.at + 1})`);
  }
}

/** A character as JavaScript `v`-mode source: itself when plain, else a code point escape. */
export function escapeChar(char: string): string {
  return PLAIN.test(char) ? char : `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}
