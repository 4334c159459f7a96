import type { ToolInputOf } from '@fanout/contracts';
import { drain } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ripgrepPath } from '../ripgrep/ripgrep-path';
import { context, params, rejection, tempTree, type TempTree } from '../testing/fixtures';
import { referenceLines } from '../testing/reference-rg';
import { grep } from './grep';

/** Lines where Rust's regexes and JavaScript's part ways unless the translation is exact. */
const TEXT = [
  'plain ascii words here',
  'café naïve résumé',
  'CAFÉ crème',
  'straße STRASSE',
  'KELVIN \u212a sign',
  'Ω omega αβγ',
  'digits ١٢٣ arabic',
  'tab\there',
  'nbsp\u00a0here',
  'nel\u0085here',
  'bom\ufeffhere',
  'udatta \u0951 sign',
  'a-b a_b a]b',
  'x{2} xx xxx',
  'foo(bar) [baz]',
  'CamelCase snake_case',
  'price $5 ^caret',
  'ǅ titlecase',
  'İstanbul',
  'end with space ',
  '日本語テキスト',
  'emoji 😀 here',
  'mixed Ünïcödé UPPER',
  '',
].join('\n');

/** A file with CRLF line ends: rg's `$` does not match before the `\r`. */
const CRLF = 'crlf line\r\nends with x\r\n';

/** Patterns in Rust's syntax that JavaScript writes differently (run by the bundled rg 15). */
const HARD = [
  String.raw`\w+é`,
  String.raw`\bnaïve\b`,
  String.raw`é\b`,
  String.raw`\Bve`,
  '(?i)STRASSE',
  '(?i)ß',
  '(?i)k',
  String.raw`\d+`,
  '[[:digit:]]+',
  String.raw`\s`,
  String.raw`[[:space:]]here`,
  String.raw`\p{Greek}+`,
  String.raw`\p{Lu}`,
  String.raw`(?i)\p{Lu}`,
  String.raw`[^\x00-\x7F]`,
  '[a-z&&[^aeiou]]{4}',
  String.raw`[\w&&\p{Greek}]`,
  '[a-c--b]',
  '[xb--b]x',
  '[a-m~~h-z]{4}',
  '[]a]b',
  '[-_]b',
  'x{2}',
  'x{2,}?',
  '(a(?i)B|ǅ)',
  '(?x) C amel Case',
  String.raw`\<snake`,
  String.raw`case\>`,
  String.raw`\b{start}Camel`,
  String.raw`\$\d`,
  String.raw`\^caret`,
  String.raw`(?P<n>foo)\(`,
  'emoji .',
  String.raw`\x{1F600}`,
  String.raw`\u{130}`,
  '(?i)istanbul',
  String.raw`\p{Han}+`,
  String.raw`\p{Devanagari}`,
  String.raw`\p{Script=Katakana}`,
  '^$',
  String.raw`^end.*\s$`,
  'x$',
  'with x.$',
  'ends',
  '(?i)ǆ',
  '(?s)a.b',
  '(?m)^plain',
  '(?U)a+',
  String.raw`\W{3}`,
  String.raw`\S+\s\S+`,
  '[[:^alpha:][:space:]]{2}',
  '(?i:c)AFÉ',
  String.raw`a\-b`,
  String.raw`\#|\@|\ `,
];

describe('code.grep with patterns: each pattern named where rg alone finds it', () => {
  let tree: TempTree;
  beforeAll(async () => {
    tree = await tempTree({ 'text.txt': TEXT, 'crlf.txt': CRLF });
  });
  afterAll(() => tree.cleanup());

  /** Our lines per pattern, and the bundled rg's for each pattern alone. */
  async function compare(input: Omit<ToolInputOf<'code.grep'>, 'root'> & { patterns: string[] }) {
    const { caseSensitive, literal } = input;
    const { result } = await drain(
      grep(params('code.grep', { root: tree.root, ...input }), context()),
    );
    const alone = await Promise.all(
      input.patterns.map((pattern) =>
        referenceLines(tree.root, { pattern, caseSensitive, literal }, [], ripgrepPath),
      ),
    );
    const tagged = input.patterns.map((_, index) =>
      result.matches
        .filter((match) => match.patterns?.includes(index))
        .map((match) => `${match.path}:${match.line}`)
        .sort(),
    );
    return { tagged, alone: alone.map((lines) => lines.sort()), matches: result.matches };
  }

  it('for Unicode classes, word boundaries, class operations, inline flags and CRLF lines', async () => {
    const { tagged, alone } = await compare({ patterns: HARD });
    HARD.forEach((pattern, index) => expect(tagged[index], pattern).toEqual(alone[index]));
    expect(alone.filter((lines) => lines.length > 0).length).toBeGreaterThan(HARD.length * 0.9);
  });

  it('for smart case, decided for each pattern as rg decides it for that pattern alone', async () => {
    const patterns = [
      'café',
      'Café',
      'straße',
      'STRASSE',
      String.raw`\p{Lu}x`,
      '[A-Z]amel',
      String.raw`\x43amel`,
    ];
    const { tagged, alone } = await compare({ patterns, caseSensitive: 'smart' });
    patterns.forEach((pattern, index) => expect(tagged[index], pattern).toEqual(alone[index]));
    expect(alone[0]).not.toEqual(alone[1]);
  });

  it('for literals, case-insensitive, written with every character rg’s syntax reserves', async () => {
    const patterns = ['$5 ^', 'A]B', 'X{2}', 'FOO(BAR) [BAZ]', '\u212a', 'STRASSE', 'ß'];
    const { tagged, alone } = await compare({ patterns, literal: true, caseSensitive: false });
    patterns.forEach((pattern, index) => expect(tagged[index], pattern).toEqual(alone[index]));
  });

  it('names patterns on matches only, with context around them and a limit', async () => {
    const { result } = await drain(
      grep(
        params('code.grep', {
          root: tree.root,
          patterns: ['omega', 'tab', 'Ω', 'nbsp'],
          context: 1,
          maxMatches: 2,
          include: ['text.txt'],
        }),
        context(),
      ),
    );
    expect(result.matches).toEqual([
      {
        path: 'text.txt',
        line: 6,
        column: 1,
        text: 'Ω omega αβγ',
        patterns: [0, 2],
        before: ['KELVIN \u212a sign'],
        after: ['digits ١٢٣ arabic'],
      },
      {
        path: 'text.txt',
        line: 8,
        column: 1,
        text: 'tab\there',
        patterns: [1],
        before: ['digits ١٢٣ arabic'],
        after: ['nbsp\u00a0here'],
      },
    ]);
    expect(result.truncated).toBe(true);
  });

  it('refuses what it cannot tell apart, naming the pattern and why, before searching', async () => {
    const refused = async (patterns: string[]) =>
      rejection(drain(grep(params('code.grep', { root: tree.root, patterns }), context())));
    expect(await refused(['ok', 'a(?=b)'])).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^patterns\[1\] "a\(\?=b\)": look-around is not supported/),
    });
    expect((await refused(['(?-u)\\xFF'])).message).toMatch(
      /patterns\[0\] .*\(\?-u\) matches bytes/,
    );
    expect((await refused(['\\p{greek}'])).message).toMatch(
      /\\p\{greek\} has no exact JavaScript spelling/,
    );
    expect((await refused(['(a)\\1'])).message).toMatch(/backreferences .* are not supported/);
    expect((await refused(['(a'])).message).toMatch(/patterns\[0\] "\(a": a group is not closed/);
  });

  it('takes exactly one of pattern and patterns, and says so', () => {
    const input = (fields: object) =>
      params('code.grep', { root: tree.root, ...fields } as ToolInputOf<'code.grep'>);
    const message =
      'code.grep takes exactly one of `pattern` (one search) and `patterns` (several in one walk)';
    expect(() => input({})).toThrow(message);
    expect(() => input({ pattern: 'a', patterns: ['b'] })).toThrow(message);
    expect(() => input({ patterns: [] })).toThrow();
    expect(() => input({ patterns: Array.from({ length: 65 }, (_, i) => `p${i}`) })).toThrow();
  });
});
