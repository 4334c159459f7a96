import { PatternScanner } from './pattern-scanner';
import { readClass } from './rust-class';
import { readEscape } from './rust-escape';

/** A Rust regex as a JavaScript RegExp with the same matches on a line. */
export interface Translation {
  /** Source for `new RegExp(source, 'v')`, with `i` added when the search ignores case. */
  source: string;
  /** rg's smart-case facts: some literal character occurs / an upper-case one does. */
  anyLiteral: boolean;
  anyUppercase: boolean;
}

/** Case sensitivity where it was set inside the pattern; `inherit` is the search's. */
type CaseFlag = 'on' | 'off' | 'inherit';

/** The flags that outlast the atom they are read at. */
interface Flags {
  caseFlag: CaseFlag;
  verbose: boolean;
}

/**
 * Translates a pattern in Rust's regex syntax (rg's default engine) into a JavaScript
 * RegExp source (`v` flag) that matches the same lines, or throws `UntranslatablePattern`
 * saying why. It is used only to tell which of several patterns a line rg found matches,
 * so what matters is whether a line has a match, never where or which:
 *
 * - `\d`, `\s`, `\w`, `\b` are Unicode-aware in Rust and are spelled out as such;
 *   `.` is any character but `\n`; `\A`/`\z` are `^`/`$` (the RegExp sees one line).
 * - Inline flags: `i` becomes a modifier group around each atom it covers (Rust's
 *   `(?i)` reaches to the end of its group, across `|`); `x` (verbose) is read here;
 *   `m`, `s`, `U` change nothing on one line; `(?-u)` (bytes) and `R` (CRLF) have no
 *   JavaScript equivalent and are refused, as are look-around and backreferences
 *   (which rg's default engine refuses too).
 * - Class names: Rust reads `\p{…}` loosely (`\p{greek}`); only names JavaScript knows
 *   exactly are taken (`\p{Greek}` is read, as in Rust, as `Script=Greek`).
 * Where they still differ: lines that are not valid UTF-8 reach JavaScript with U+FFFD
 * where rg sees raw bytes, and the two engines may know different Unicode versions.
 */
export function translateRustRegex(pattern: string): Translation {
  const scanner = new PatternScanner(pattern);
  const source = new RustRegexReader(scanner).alternation();
  if (!scanner.done) scanner.fail('a `)` closes no group');
  return { source, anyLiteral: scanner.anyLiteral, anyUppercase: scanner.anyUppercase };
}

/** A literal pattern (`literal: true`): every character stands for itself. */
export function translateLiteral(text: string): Translation {
  const scanner = new PatternScanner(text);
  const source = Array.from(text, (char) => scanner.literal(char)).join('');
  return { source, anyLiteral: scanner.anyLiteral, anyUppercase: scanner.anyUppercase };
}

class RustRegexReader {
  private caseFlag: CaseFlag = 'inherit';

  constructor(private readonly scanner: PatternScanner) {}

  /** Branches separated by `|`, up to the end of the pattern or of the enclosing group. */
  alternation(): string {
    const branches = [this.concatenation()];
    while (this.scanner.eat('|')) branches.push(this.concatenation());
    return branches.join('|');
  }

  private concatenation(): string {
    const atoms: Array<{ source: string; caseFlag: CaseFlag }> = [];
    /** False right after a flag group such as `(?i)`: nothing there can be repeated. */
    let repeatable = false;
    for (;;) {
      this.scanner.skipSpace();
      const next = this.scanner.peek();
      if (next === undefined || next === '|' || next === ')') return joinCased(atoms);
      const quantifier = this.quantifier();
      const last = atoms.at(-1);
      if (quantifier !== undefined) {
        if (!repeatable || !last) this.scanner.fail('a repetition operator follows nothing');
        last.source = `(?:${last.source})${quantifier}`;
        continue;
      }
      const source = this.atom();
      repeatable = source !== undefined;
      if (source !== undefined) atoms.push({ source, caseFlag: this.caseFlag });
    }
  }

  /** `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, each maybe lazy (`?`); undefined when none comes next. */
  private quantifier(): string | undefined {
    const scanner = this.scanner;
    const next = scanner.peek();
    let quantifier: string;
    if (next === '*' || next === '+' || next === '?') {
      quantifier = scanner.next('a repetition');
    } else if (scanner.eat('{')) {
      const written = scanner.until('}') ?? scanner.fail('a counted repetition is not closed');
      const counts = scanner.verbose ? written.replace(/\s+/g, '') : written;
      const match = /^(\d+)(,(\d*))?$/.exec(counts);
      if (!match)
        return scanner.fail(`{${written}} is not a counted repetition ({n}, {n,} or {n,m})`);
      if (match[3] && Number(match[3]) < Number(match[1])) {
        scanner.fail(`{${written}} has its minimum above its maximum`);
      }
      quantifier = `{${counts}}`;
    } else {
      return undefined;
    }
    scanner.skipSpace();
    // Laziness changes where a match ends, never whether there is one; it is kept as written.
    return scanner.eat('?') ? `${quantifier}?` : quantifier;
  }

  /** One atom, as JavaScript source; undefined for a flag group, which only sets flags. */
  private atom(): string | undefined {
    const scanner = this.scanner;
    const char = scanner.next('a pattern');
    switch (char) {
      case '(':
        return this.group();
      case '[':
        return readClass(scanner);
      case '.':
        // One line at a time: `.` (any character but `\n`) with or without `s`.
        return '[^\\n]';
      case '^':
      case '$':
        return char;
      case '\\': {
        const escape = readEscape(scanner, false);
        return escape.kind === 'char' ? scanner.literal(escape.char) : escape.source;
      }
      default:
        return scanner.literal(char);
    }
  }

  /** A group (its `(` consumed): capturing, named, non-capturing or flags; look-around is refused. */
  private group(): string | undefined {
    const scanner = this.scanner;
    if (!scanner.eat('?')) return this.enclosed();
    if (scanner.eat('P<') || (scanner.peek() === '<' && /[A-Za-z_]/.test(scanner.peek(1) ?? ''))) {
      scanner.eat('<');
      if (scanner.until('>') === undefined) scanner.fail('a group name is not closed');
      return this.enclosed();
    }
    if (['=', '!', '<=', '<!'].some((start) => scanner.eat(start))) {
      scanner.fail("look-around is not supported (rg's regex engine has none either)");
    }
    const scoped = this.flags();
    if (scanner.eat(')')) return undefined;
    if (!scanner.eat(':')) scanner.fail('a flag group ends with `)` or `:`');
    return this.enclosed(scoped);
  }

  /**
   * The rest of a group up to its `)`, as a non-capturing group (capture numbers do not
   * matter). Flags set inside a group end with it: `restore` is what they were when it
   * opened, or, for `(?i:…)`, before its own flags were set.
   */
  private enclosed(restore: Flags = this.current()): string {
    const inside = this.alternation();
    if (!this.scanner.eat(')')) this.scanner.fail('a group is not closed');
    this.caseFlag = restore.caseFlag;
    this.scanner.verbose = restore.verbose;
    return `(?:${inside})`;
  }

  private current(): Flags {
    return { caseFlag: this.caseFlag, verbose: this.scanner.verbose };
  }

  /** Reads flags (`i`, `-x`, …) and applies them; returns the flags as they were before. */
  private flags(): Flags {
    const scanner = this.scanner;
    const before = this.current();
    let on = true;
    for (let flag = scanner.peek(); flag !== ')' && flag !== ':'; flag = scanner.peek()) {
      scanner.next('a flag group');
      if (flag === '-') on = false;
      else if (flag === 'i') this.caseFlag = on ? 'on' : 'off';
      else if (flag === 'x') scanner.verbose = on;
      else if (flag === 'u' && !on) scanner.fail('(?-u) matches bytes, which JavaScript cannot');
      else if (flag === 'R' && on) scanner.fail('(?R) (CRLF mode) has no JavaScript equivalent');
      // `m` and `s` change nothing on one line, `U` only where a match ends.
      else if (!['m', 's', 'U', 'u', 'R'].includes(flag ?? '')) {
        scanner.fail(`(?${flag}) is not a flag`);
      }
    }
    return before;
  }
}

/**
 * A sequence of atoms, each run of them under one inline case flag in a modifier group
 * (`(?i:…)`, `(?-i:…)`), so the flag covers exactly the atoms Rust's `(?i)` covers.
 */
function joinCased(atoms: ReadonlyArray<{ source: string; caseFlag: CaseFlag }>): string {
  const runs: Array<{ caseFlag: CaseFlag; sources: string[] }> = [];
  for (const { source, caseFlag } of atoms) {
    const run = runs.at(-1);
    if (run?.caseFlag === caseFlag) run.sources.push(source);
    else runs.push({ caseFlag, sources: [source] });
  }
  return runs
    .map(({ caseFlag, sources }) =>
      caseFlag === 'inherit'
        ? sources.join('')
        : `(?${caseFlag === 'on' ? 'i' : '-i'}:${sources.join('')})`,
    )
    .join('');
}
