/** One logical line of Python: continuations joined, comments dropped, strings emptied. */
export interface LogicalLine {
  text: string;
  /** 1-based line where it starts. */
  line: number;
  /** Columns of indentation of its first physical line; 0 is module level. */
  indent: number;
}

const OPENERS = '([{';
const CLOSERS = ')]}';

/**
 * Splits Python source into logical lines the way the tokenizer does: brackets and
 * trailing backslashes continue a line, `#` starts a comment, and every string literal
 * (triple-quoted ones across lines included) becomes `""`. That last part is what makes
 * a line-based reading safe: an `import` or a name inside a docstring is not code.
 */
export function logicalLines(source: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let parts: string[] = [];
  let depth = 0;
  let lineNumber = 1;
  let lineStart = 0;
  let start: { line: number; indent: number } | undefined;
  let i = 0;
  let segment = 0;

  const flushSegment = (end: number) => {
    if (end > segment) parts.push(source.slice(segment, end));
  };
  const emit = () => {
    const text = parts.join('').trim();
    if (text && start) lines.push({ text, line: start.line, indent: start.indent });
    parts = [];
    start = undefined;
  };
  const newline = (at: number) => {
    lineNumber += 1;
    lineStart = at + 1;
  };

  while (i < source.length) {
    const ch = source[i];
    if (start === undefined && ch !== ' ' && ch !== '\t' && ch !== '\n' && ch !== '\r') {
      start = { line: lineNumber, indent: i - lineStart };
    }
    if (ch === '#') {
      flushSegment(i);
      while (i < source.length && source[i] !== '\n') i += 1;
      segment = i;
    } else if (ch === '"' || ch === "'") {
      flushSegment(i);
      parts.push('""');
      i = skipString(source, i, newline);
      segment = i;
      continue;
    } else if (ch === '\\' && (source[i + 1] === '\n' || source[i + 1] === '\r')) {
      flushSegment(i);
      parts.push(' ');
      i += source[i + 1] === '\r' && source[i + 2] === '\n' ? 2 : 1;
      newline(i);
      segment = i + 1;
    } else if (ch === '\n') {
      flushSegment(i);
      newline(i);
      if (depth > 0) parts.push(' ');
      else emit();
      segment = i + 1;
    } else if (OPENERS.includes(ch)) depth += 1;
    else if (CLOSERS.includes(ch)) depth = Math.max(0, depth - 1);
    i += 1;
  }
  flushSegment(i);
  emit();
  return lines;
}

/**
 * Skips a string literal starting at `from` (a quote) and returns the index after it.
 * Backslash escapes are honoured (a raw string cannot end in an odd backslash either);
 * an unterminated single-quoted string ends at the line break, as a tokenizer recovers.
 */
function skipString(source: string, from: number, newline: (at: number) => void): number {
  const quote = source[from];
  const triple = source.startsWith(quote.repeat(3), from);
  let i = from + (triple ? 3 : 1);
  while (i < source.length) {
    const ch = source[i];
    if (ch === '\\') {
      if (source[i + 1] === '\n') newline(i + 1);
      i += 2;
      continue;
    }
    if (ch === '\n') {
      if (!triple) return i;
      newline(i);
    }
    if (ch === quote && (!triple || source.startsWith(quote.repeat(3), i))) {
      return i + (triple ? 3 : 1);
    }
    i += 1;
  }
  return i;
}
