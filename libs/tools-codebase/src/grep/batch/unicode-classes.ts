/**
 * Rust's regex classes written for a JavaScript RegExp with the `v` flag. Rust's `\d`,
 * `\s`, `\w` and `\b` are Unicode-aware; JavaScript's are ASCII even with `u` or `v`, so
 * they are spelled out from the definitions in the regex crate's syntax documentation.
 */

/** Rust's `\w`: `\p{Alphabetic}`, `\p{M}`, `\d`, `\p{Pc}` and `\p{Join_Control}`. */
const WORD_ITEMS = String.raw`\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}`;
const WORD = `[${WORD_ITEMS}]`;

/** `\d`, `\s`, `\w` and their negations, as class operands (valid inside a class too). */
export const PERL_CLASSES: Readonly<Record<string, string>> = {
  d: String.raw`\p{Nd}`,
  D: String.raw`\P{Nd}`,
  s: String.raw`\p{White_Space}`,
  S: String.raw`\P{White_Space}`,
  w: WORD,
  W: `[^${WORD_ITEMS}]`,
};

/** Word boundaries as lookarounds on Rust's `\w`: before and after a position. */
const wordBefore = `(?<=${WORD})`;
const noWordBefore = `(?<!${WORD})`;
const wordAfter = `(?=${WORD})`;
const noWordAfter = `(?!${WORD})`;

/** `\b`, `\B`, `\<`, `\>` and `\b{…}`, by the name after the backslash. */
export const WORD_BOUNDARIES: Readonly<Record<string, string>> = {
  b: `(?:${wordBefore}${noWordAfter}|${noWordBefore}${wordAfter})`,
  B: `(?:${wordBefore}${wordAfter}|${noWordBefore}${noWordAfter})`,
  '<': `${noWordBefore}${wordAfter}`,
  '>': `${wordBefore}${noWordAfter}`,
  'b{start}': `${noWordBefore}${wordAfter}`,
  'b{end}': `${wordBefore}${noWordAfter}`,
  'b{start-half}': noWordBefore,
  'b{end-half}': noWordAfter,
};

/** The ASCII classes (`[[:alpha:]]`), as the regex crate defines them. */
export const ASCII_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: String.raw`\u{0}-\u{7F}`,
  blank: String.raw`\u{9}\u{20}`,
  cntrl: String.raw`\u{0}-\u{1F}\u{7F}`,
  digit: '0-9',
  graph: String.raw`\u{21}-\u{7E}`,
  lower: 'a-z',
  print: String.raw`\u{20}-\u{7E}`,
  punct: String.raw`\u{21}-\u{2F}\u{3A}-\u{40}\u{5B}-\u{60}\u{7B}-\u{7E}`,
  space: String.raw`\u{9}-\u{D}\u{20}`,
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

/**
 * `\p{name}` for a Unicode class name, or undefined when JavaScript knows no class by
 * that exact name. Rust also takes loose spellings (`\p{greek}`, `\p{Uppercase Letter}`)
 * and reads a lone script name as `Script=`; JavaScript wants `Script=` spelled out.
 */
export function unicodeClass(name: string, negated: boolean): string | undefined {
  const [property, value] = name.split(/!=|=|:/);
  const spelled = value === undefined ? [name, `Script=${name}`] : [`${property}=${value}`];
  const flip = name.includes('!=') ? !negated : negated;
  for (const candidate of spelled) {
    const source = `\\${flip ? 'P' : 'p'}{${candidate}}`;
    if (compiles(source)) return source;
  }
  return undefined;
}

function compiles(source: string): boolean {
  try {
    new RegExp(source, 'v');
    return true;
  } catch {
    return false;
  }
}
