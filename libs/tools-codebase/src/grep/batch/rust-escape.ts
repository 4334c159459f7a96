import type { PatternScanner } from './pattern-scanner';
import { PERL_CLASSES, unicodeClass, WORD_BOUNDARIES } from './unicode-classes';

/** What a backslash sequence is: one character, a class of them, or an assertion. */
export type Escape =
  | { kind: 'char'; char: string }
  | { kind: 'class'; source: string }
  | { kind: 'assertion'; source: string };

/** `\n`, `\t` and the other one-letter names of characters in Rust's syntax. */
const NAMED: Readonly<Record<string, string>> = {
  a: '\x07',
  f: '\f',
  t: '\t',
  n: '\n',
  r: '\r',
  v: '\v',
};

/** `\x`, `\u` and `\U`: the digits each takes when not braced. */
const HEX_DIGITS: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/**
 * Reads what follows a backslash (already consumed). Rust lets any ASCII punctuation be
 * escaped to stand for itself, except `<` and `>`, which are word boundaries.
 */
export function readEscape(scanner: PatternScanner, inClass: boolean): Escape {
  const char = scanner.next('an escape');
  const named = NAMED[char];
  if (named !== undefined) return { kind: 'char', char: named };
  const perl = PERL_CLASSES[char];
  if (perl !== undefined) return { kind: 'class', source: perl };
  if (char === 'p' || char === 'P') return { kind: 'class', source: readUnicode(scanner, char) };
  if (char in HEX_DIGITS) return { kind: 'char', char: readHex(scanner, char) };
  if (!inClass) {
    if (char === 'A') return { kind: 'assertion', source: '^' };
    if (char === 'z') return { kind: 'assertion', source: '$' };
    const boundary = readBoundary(scanner, char);
    if (boundary !== undefined) return { kind: 'assertion', source: boundary };
  }
  if (/^[0-9]$/.test(char)) scanner.fail('backreferences and octal escapes are not supported');
  if (/^[\x21-\x7e]$/.test(char) && !/^[A-Za-z<>]$/.test(char)) return { kind: 'char', char };
  if (char === ' ') return { kind: 'char', char };
  return scanner.fail(`\\${char} is not an escape Rust's regex syntax knows here`);
}

/** `\b`, `\B`, `\<`, `\>`, `\b{start}` …; undefined when `char` names none. */
function readBoundary(scanner: PatternScanner, char: string): string | undefined {
  // `\b{` followed by a letter names a boundary; `\b{2}` is `\b` repeated.
  if (char === 'b' && scanner.peek() === '{' && /^[a-z]$/.test(scanner.peek(1) ?? '')) {
    scanner.eat('{');
    const name = `b{${scanner.until('}') ?? scanner.fail('a word boundary name is not closed')}}`;
    return WORD_BOUNDARIES[name] ?? scanner.fail(`\\${name} is not a word boundary`);
  }
  return char === 'b' || char === 'B' || char === '<' || char === '>'
    ? WORD_BOUNDARIES[char]
    : undefined;
}

/** `\pL`, `\p{Greek}`, `\p{^Lu}`, `\P{sc=Latin}` as a JavaScript class escape. */
function readUnicode(scanner: PatternScanner, letter: 'p' | 'P'): string {
  let name: string;
  if (scanner.eat('{')) name = scanner.until('}') ?? scanner.fail('a Unicode class is not closed');
  else name = scanner.next('a Unicode class');
  let negated = letter === 'P';
  if (name.startsWith('^')) {
    negated = !negated;
    name = name.slice(1);
  }
  return (
    unicodeClass(name.trim(), negated) ??
    scanner.fail(
      `\\${letter}{${name}} has no exact JavaScript spelling; write its Unicode name as is (\\p{Lu}, \\p{Script=Greek}, \\p{Alphabetic})`,
    )
  );
}

/** `\x7F`, `\x{10FFFF}`, `\u00E9`, `\U0001F600` as the character they name. */
function readHex(scanner: PatternScanner, letter: string): string {
  const digits = scanner.eat('{')
    ? (scanner.until('}') ?? scanner.fail('a hex escape is not closed'))
    : Array.from({ length: HEX_DIGITS[letter] ?? 0 }, () => scanner.next('a hex escape')).join('');
  const code = /^[0-9A-Fa-f]{1,8}$/.test(digits) ? Number.parseInt(digits, 16) : Number.NaN;
  if (!(code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) {
    scanner.fail(`\\${letter}${digits} is not a Unicode scalar value`);
  }
  return String.fromCodePoint(code);
}
