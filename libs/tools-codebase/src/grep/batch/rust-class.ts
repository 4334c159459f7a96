import type { PatternScanner } from './pattern-scanner';
import { readEscape } from './rust-escape';
import { ASCII_CLASSES } from './unicode-classes';

/** Rust's class set operators, by how a `v`-mode class writes them. */
const OPERATORS = ['&&', '--', '~~'] as const;
type Operator = (typeof OPERATORS)[number];

/** `left op right` as one `v`-mode class; both sides are classes (`[…]`). */
function combine(left: string, op: Operator, right: string): string {
  // JavaScript has intersection and difference; a symmetric difference is the union of both differences.
  if (op === '~~') return `[[${left}--${right}][${right}--${left}]]`;
  return `[${left}${op}${right}]`;
}

/**
 * Reads a bracketed class (its `[` already consumed) into a `v`-mode class, which has
 * what Rust's classes have: nesting, intersection and difference. Rust's precedence is
 * kept by bracketing: ranges bind tightest, then unions, then the operators, left to
 * right, and a leading `^` negates the whole (`[^a-z&&b]` is `[^[a-z&&b]]`).
 */
export function readClass(scanner: PatternScanner): string {
  const negated = scanner.eat('^');
  scanner.skipSpace();
  const items: string[] = [];
  // Leading `-`s are literal, and so is a `]` first in the class: no class is empty.
  while (scanner.peek() === '-') {
    scanner.next('a class');
    items.push(scanner.literal('-'));
    scanner.skipSpace();
  }
  if (items.length === 0 && scanner.eat(']')) items.push(scanner.literal(']'));

  let set: string | undefined;
  let pending: Operator | undefined;
  const close = () => {
    const union = `[${items.splice(0).join('')}]`;
    set = set === undefined || pending === undefined ? union : combine(set, pending, union);
  };
  for (;;) {
    scanner.skipSpace();
    if (scanner.done) scanner.fail('a character class is not closed');
    if (scanner.eat(']')) break;
    const op = OPERATORS.find((candidate) => scanner.eat(candidate));
    if (op) {
      close();
      pending = op;
    } else if (scanner.peek() === '[') {
      scanner.next('a class');
      items.push(readAsciiClass(scanner) ?? readClass(scanner));
    } else {
      items.push(readRange(scanner));
    }
  }
  close();
  return negated ? `[^${set}]` : (set ?? '[]');
}

/** `[:alpha:]` or `[:^alpha:]` (its `[` consumed); undefined, having read nothing, when not one. */
function readAsciiClass(scanner: PatternScanner): string | undefined {
  const match = /^:(\^?)([a-z]+):\]/.exec(
    Array.from({ length: 12 }, (_, i) => scanner.peek(i) ?? '').join(''),
  );
  const chars = match ? ASCII_CLASSES[match[2] ?? ''] : undefined;
  if (!match || chars === undefined) return undefined;
  scanner.eat(match[0]);
  return match[1] ? `[^${chars}]` : `[${chars}]`;
}

/** One item of a union: a character, a range of them, or a class escape. */
function readRange(scanner: PatternScanner): string {
  const start = readItem(scanner);
  scanner.skipSpace();
  // `-` makes a range unless a `]` or another `-` follows it (Rust's rule).
  const isRange = scanner.peek() === '-' && scanner.peek(1) !== ']' && scanner.peek(1) !== '-';
  if (!isRange) return typeof start === 'string' ? start : scanner.literal(start.char);
  scanner.next('a range');
  scanner.skipSpace();
  const end = readItem(scanner);
  if (typeof start === 'string' || typeof end === 'string') {
    return scanner.fail('a range must go from one character to another');
  }
  if ((end.char.codePointAt(0) ?? 0) < (start.char.codePointAt(0) ?? 0)) {
    scanner.fail(`the range ${start.char}-${end.char} runs backwards`);
  }
  return `${scanner.literal(start.char)}-${scanner.literal(end.char)}`;
}

/** A character (to be written by the caller), or a class escape as `v`-mode source. */
function readItem(scanner: PatternScanner): { char: string } | string {
  const char = scanner.next('a character class');
  if (char !== '\\') return { char };
  const escape = readEscape(scanner, true);
  return escape.kind === 'char' ? { char: escape.char } : escape.source;
}
