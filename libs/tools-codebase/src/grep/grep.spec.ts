import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '@fanout/testing';
import { context, params, rejection, tempTree, type TempTree } from '../testing/fixtures';
import { grep } from './grep';

describe('code.grep', () => {
  let tree: TempTree;
  const run = (input: Omit<Parameters<typeof params<'code.grep'>>[1], 'root'>) =>
    drain(grep(params('code.grep', { root: tree.root, ...input }), context()));

  beforeAll(async () => {
    tree = await tempTree({
      '.gitignore': 'ignored/\n',
      'src/lines.txt':
        ['one', 'two alpha', 'three', 'four alpha', 'five', 'six', 'seven', 'eight alpha'].join(
          '\n',
        ) + '\n',
      'src/case.ts': 'const Token = 1;\nconst token = 2;\nconst TOKEN = 3;\n',
      'src/unicode.txt': 'héllo wörld needle\n',
      'src/crlf.txt': 'first needle\r\nsecond\r\n',
      'src/regex.txt': 'a.c\nabc\n(paren)\n',
      'src/nested/.gitignore': 'local.txt\n',
      'src/nested/local.txt': 'needle in an ignored file\n',
      'ignored/x.txt': 'needle in an ignored dir\n',
      '.hidden/h.txt': 'needle in a hidden dir\n',
      'bin/blob.bin': Buffer.concat([
        Buffer.from('needle\n'),
        Buffer.alloc(64, 0),
        Buffer.from('needle\n'),
      ]),
      'docs/readme.md': 'needle in docs\n',
    });
  });
  afterAll(() => tree.cleanup());

  it('streams every match with a 1-based line, byte column and the line text', async () => {
    const { items, result } = await run({ pattern: 'alpha' });
    expect(items).toEqual([
      { path: 'src/lines.txt', line: 2, column: 5, text: 'two alpha' },
      { path: 'src/lines.txt', line: 4, column: 6, text: 'four alpha' },
      { path: 'src/lines.txt', line: 8, column: 7, text: 'eight alpha' },
    ]);
    expect(result).toEqual({ matches: items, truncated: false, filesSearched: expect.any(Number) });
    expect(result.filesSearched).toBeGreaterThanOrEqual(7);
  });

  it('counts the column in bytes, not characters', async () => {
    const { items } = await run({ pattern: 'needle', include: ['*.txt'], exclude: ['crlf.txt'] });
    const unicode = items.find((m) => m.path === 'src/unicode.txt')!;
    // "héllo wörld " is 12 characters but 14 bytes.
    expect(unicode.column).toBe(15);
  });

  it('drops the line break of CRLF lines', async () => {
    const { items } = await run({ pattern: 'first' });
    expect(items).toEqual([{ path: 'src/crlf.txt', line: 1, column: 1, text: 'first needle' }]);
  });

  it('attaches context lines, sharing lines between close matches', async () => {
    const { items } = await run({ pattern: 'alpha', context: 1 });
    expect(items).toEqual([
      {
        path: 'src/lines.txt',
        line: 2,
        column: 5,
        text: 'two alpha',
        before: ['one'],
        after: ['three'],
      },
      {
        path: 'src/lines.txt',
        line: 4,
        column: 6,
        text: 'four alpha',
        before: ['three'],
        after: ['five'],
      },
      {
        path: 'src/lines.txt',
        line: 8,
        column: 7,
        text: 'eight alpha',
        before: ['seven'],
        after: [],
      },
    ]);
  });

  it('gives a match the whole window even when another match is inside it', async () => {
    const { items } = await run({ pattern: 'alpha', context: 2 });
    expect(items[0]).toMatchObject({ line: 2, before: ['one'], after: ['three', 'four alpha'] });
    expect(items[1]).toMatchObject({
      line: 4,
      before: ['two alpha', 'three'],
      after: ['five', 'six'],
    });
    expect(items[2]).toMatchObject({ line: 8, before: ['six', 'seven'], after: [] });
  });

  it('stops at maxMatches, kills rg and says truncated', async () => {
    const { items, result } = await run({ pattern: 'alpha', maxMatches: 2 });
    expect(items.map((m) => m.line)).toEqual([2, 4]);
    expect(result.truncated).toBe(true);
  });

  it('is not truncated when exactly maxMatches exist', async () => {
    const { result } = await run({ pattern: 'alpha', maxMatches: 3 });
    expect(result.matches).toHaveLength(3);
    expect(result.truncated).toBe(false);
  });

  it('completes the after-context of the last match kept at maxMatches', async () => {
    const { items } = await run({ pattern: 'alpha', maxMatches: 1, context: 2 });
    expect(items).toEqual([expect.objectContaining({ line: 2, after: ['three', 'four alpha'] })]);
  });

  it('reads the pattern as a regex, or as a literal with literal: true', async () => {
    const regex = await run({ pattern: 'a.c', include: ['regex.txt'] });
    expect(regex.items.map((m) => m.line)).toEqual([1, 2]);
    const literal = await run({ pattern: 'a.c', literal: true, include: ['regex.txt'] });
    expect(literal.items.map((m) => m.line)).toEqual([1]);
    const paren = await run({ pattern: '(paren', literal: true });
    expect(paren.items.map((m) => m.path)).toEqual(['src/regex.txt']);
  });

  it('matches case-sensitively, insensitively or smartly', async () => {
    const lines = async (caseSensitive: boolean | 'smart', pattern: string) =>
      (await run({ pattern, caseSensitive, include: ['*.ts'] })).items.map((m) => m.line);
    expect(await lines(true, 'token')).toEqual([2]);
    expect(await lines(false, 'token')).toEqual([1, 2, 3]);
    expect(await lines('smart', 'token')).toEqual([1, 2, 3]);
    expect(await lines('smart', 'Token')).toEqual([1]);
  });

  it('searches only included globs and never excluded ones', async () => {
    const included = await run({ pattern: 'needle', include: ['*.md'] });
    expect(included.items.map((m) => m.path)).toEqual(['docs/readme.md']);
    const excluded = await run({ pattern: 'needle', exclude: ['*.txt', 'docs/**'] });
    expect(excluded.items).toEqual([]);
  });

  it('honours nested .gitignore files unless gitignore is false, and hidden only on request', async () => {
    const paths = async (input: { gitignore?: boolean; hidden?: boolean }) =>
      (await run({ pattern: 'needle', ...input })).items.map((m) => m.path).sort();
    const visible = ['docs/readme.md', 'src/crlf.txt', 'src/unicode.txt'];
    expect(await paths({})).toEqual(visible);
    expect(await paths({ gitignore: false })).toEqual(
      [...visible, 'ignored/x.txt', 'src/nested/local.txt'].sort(),
    );
    expect(await paths({ hidden: true })).toEqual([...visible, '.hidden/h.txt'].sort());
  });

  it("searches only the paths given, the root's ignore files still applied below them", async () => {
    const { items } = await run({ pattern: 'needle', paths: ['src', 'docs/readme.md'] });
    expect(items.map((m) => m.path).sort()).toEqual([
      'docs/readme.md',
      'src/crlf.txt',
      'src/unicode.txt',
    ]);
    const parts = await tempTree({
      '.gitignore': 'build/\n',
      'a/build/x.ts': 'needle built\n',
      'a/x.ts': 'needle\n',
      'b/x.ts': 'needle\n',
    });
    try {
      const search = (gitignore: boolean) =>
        drain(
          grep(
            params('code.grep', { root: parts.root, pattern: 'needle', paths: ['a'], gitignore }),
            context(),
          ),
        );
      expect((await search(true)).items.map((m) => m.path)).toEqual(['a/x.ts']);
      expect((await search(false)).items.map((m) => m.path).sort()).toEqual([
        'a/build/x.ts',
        'a/x.ts',
      ]);
    } finally {
      await parts.cleanup();
    }
  });

  it('refuses a path outside the root, or one that does not exist', async () => {
    expect(
      await rejection(run({ pattern: 'needle', paths: ['src', '../elsewhere'] })),
    ).toMatchObject({
      code: 'PATH_OUTSIDE_ROOT',
    });
    expect(await rejection(run({ pattern: 'needle', paths: ['missing'] }))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('skips binary files', async () => {
    const { items } = await run({ pattern: 'needle', include: ['*.bin'] });
    expect(items).toEqual([]);
  });

  it('returns no matches, not an error, when nothing matches', async () => {
    const { items, result } = await run({ pattern: 'no-such-text-anywhere' });
    expect(items).toEqual([]);
    expect(result).toMatchObject({ matches: [], truncated: false });
  });

  it('refuses an invalid regex with INVALID_INPUT and rg’s own message', async () => {
    const error = await rejection(run({ pattern: 'foo(' }));
    expect(error).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
    expect(error.message).toMatch(/regex parse error/);
    expect(error.message).toMatch(/unclosed group/);
  });

  it('returns a line much longer than a pipe chunk whole, and the lines around it', async () => {
    const long = `${'x'.repeat(300_000)} needle ${'y'.repeat(300_000)}`;
    const tree2 = await tempTree({ 'long.txt': `short needle\n${long}\nlast needle\n` });
    try {
      const { items } = await drain(
        grep(params('code.grep', { root: tree2.root, pattern: 'needle' }), context()),
      );
      expect(items.map((m) => [m.line, m.column, m.text.length])).toEqual([
        [1, 7, 12],
        [2, 300_002, long.length],
        [3, 6, 11],
      ]);
      expect(items[1]!.text).toBe(long);
    } finally {
      await tree2.cleanup();
    }
  });

  it('takes a pattern that starts with a dash as a pattern', async () => {
    const { items } = await run({ pattern: '-x', literal: true });
    expect(items).toEqual([]);
  });
});
