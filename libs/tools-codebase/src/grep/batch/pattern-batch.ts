import { CodebaseError, CodebaseErrorCode } from '../../errors';
import { UntranslatablePattern } from './pattern-scanner';
import { translateLiteral, translateRustRegex, type Translation } from './rust-regex';

/** What rg's `regex::escape` escapes: a literal written with these escaped is itself. */
const RUST_META = /[\\.+*?()|[\]{}^$#&\-~]/g;

/** How code.grep's `caseSensitive` applies to one pattern, by rg's smart-case rule. */
function ignoresCase(mode: boolean | 'smart', translation: Translation): boolean {
  if (mode === 'smart') return translation.anyLiteral && !translation.anyUppercase;
  return !mode;
}

/**
 * Many patterns searched in one rg walk, and told apart afterwards. rg prints a line
 * when any pattern matches it but not which; each line it prints is then tested against
 * every pattern in JavaScript, translated from Rust's syntax (see `translateRustRegex`)
 * — a tagging pass over the lines found, never a second search.
 *
 * Each pattern is searched as if alone: its case sensitivity is decided for it (rg's
 * `--smart-case` looks at all patterns together, so here the decision is made per
 * pattern and written into it as `(?i)`, rg running case-sensitive), and a literal
 * pattern is escaped into a regex so that it can carry that flag too.
 */
export class PatternBatch {
  private constructor(
    /** What rg is given, one `-e` each. */
    readonly rgPatterns: readonly string[],
    private readonly tests: readonly RegExp[],
  ) {}

  static of(
    patterns: readonly string[],
    literal: boolean,
    caseMode: boolean | 'smart',
  ): PatternBatch {
    const rgPatterns: string[] = [];
    const tests: RegExp[] = [];
    patterns.forEach((pattern, index) => {
      const translation = translate(pattern, index, literal);
      const caseless = ignoresCase(caseMode, translation);
      const written = literal ? pattern.replace(RUST_META, '\\$&') : pattern;
      rgPatterns.push(caseless ? `(?i)${written}` : written);
      tests.push(compile(translation.source, caseless, pattern, index));
    });
    return new PatternBatch(rgPatterns, tests);
  }

  /** The indexes of the patterns a line (as rg read it, `\r` included) matches. */
  tag(line: string): number[] {
    const matched: number[] = [];
    this.tests.forEach((test, index) => {
      if (test.test(line)) matched.push(index);
    });
    return matched;
  }
}

function refuse(pattern: string, index: number, why: string): CodebaseError {
  return new CodebaseError(
    CodebaseErrorCode.InvalidInput,
    `patterns[${index}] ${JSON.stringify(pattern)}: ${why}`,
  );
}

function translate(pattern: string, index: number, literal: boolean): Translation {
  if (literal && pattern.includes('\n')) {
    throw refuse(pattern, index, 'a pattern cannot match across lines');
  }
  try {
    return literal ? translateLiteral(pattern) : translateRustRegex(pattern);
  } catch (error) {
    if (error instanceof UntranslatablePattern) throw refuse(pattern, index, error.message);
    throw error;
  }
}

function compile(source: string, caseless: boolean, pattern: string, index: number): RegExp {
  try {
    return new RegExp(source, caseless ? 'iv' : 'v');
  } catch (error) {
    throw refuse(
      pattern,
      index,
      `cannot be told apart from the others: ${(error as Error).message}`,
    );
  }
}
