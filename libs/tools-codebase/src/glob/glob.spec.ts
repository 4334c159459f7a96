import { resolve } from 'node:path';
import fastGlob from 'fast-glob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '@fanout/testing';
import { context, params, tempTree, type TempTree } from '../testing/fixtures';
import { glob } from './glob';

describe('code.glob', () => {
  let tree: TempTree;
  const run = (input: Omit<Parameters<typeof params<'code.glob'>>[1], 'root'>) =>
    drain(glob(params('code.glob', { root: tree.root, ...input }), context()));

  beforeAll(async () => {
    tree = await tempTree({
      '.gitignore': 'dist/\n*.log\n',
      'a.ts': '',
      'debug.log': '',
      'dist/out.js': '',
      'src/b.ts': '',
      'src/c.js': '',
      'src/.ignore': 'generated.ts\n',
      'src/generated.ts': '',
      'src/deep/.gitignore': '*.tmp\n!keep.tmp\n',
      'src/deep/x.tmp': '',
      'src/deep/keep.tmp': '',
      'src/deep/d.ts': '',
      '.config/e.ts': '',
      '.env': '',
    });
  });
  afterAll(() => tree.cleanup());

  it('lists files relative to root with "/" separators, sorted, streaming each one', async () => {
    const { items, result } = await run({});
    expect(result).toEqual({
      files: ['a.ts', 'src/b.ts', 'src/c.js', 'src/deep/d.ts', 'src/deep/keep.tmp'],
      truncated: false,
    });
    expect([...items].sort()).toEqual(result.files);
  });

  it('honours nested .gitignore and .ignore files, negations included', async () => {
    const { result } = await run({ patterns: ['**/*.tmp', '**/generated.ts', 'dist/**', '*.log'] });
    expect(result.files).toEqual(['src/deep/keep.tmp']);
  });

  it('lists ignored files when gitignore is false', async () => {
    const { result } = await run({ gitignore: false });
    expect(result.files).toEqual([
      'a.ts',
      'debug.log',
      'dist/out.js',
      'src/b.ts',
      'src/c.js',
      'src/deep/d.ts',
      'src/deep/keep.tmp',
      'src/deep/x.tmp',
      'src/generated.ts',
    ]);
  });

  it('includes dot-files and dot-directories only with hidden', async () => {
    const { result } = await run({ patterns: ['**/*.ts', '.env'], hidden: true });
    expect(result.files).toEqual(['.config/e.ts', '.env', 'a.ts', 'src/b.ts', 'src/deep/d.ts']);
    expect((await run({ patterns: ['**/*.ts', '.env'] })).result.files).not.toContain('.env');
  });

  it('matches patterns as fast-glob does: "*" stays in its directory, "**" crosses them', async () => {
    expect((await run({ patterns: ['*.ts'] })).result.files).toEqual(['a.ts']);
    expect((await run({ patterns: ['src/*'] })).result.files).toEqual(['src/b.ts', 'src/c.js']);
    expect((await run({ patterns: ['**/*.{js,tmp}'] })).result.files).toEqual([
      'src/c.js',
      'src/deep/keep.tmp',
    ]);
  });

  it('leaves out ignore globs, a directory glob with everything under it', async () => {
    expect((await run({ ignore: ['src/deep'] })).result.files).toEqual([
      'a.ts',
      'src/b.ts',
      'src/c.js',
    ]);
    expect((await run({ patterns: ['**/*.ts', '!src/**'] })).result.files).toEqual(['a.ts']);
  });

  it('stops at maxResults and says truncated only when more files matched', async () => {
    const cut = await run({ maxResults: 2 });
    expect(cut.result.files).toHaveLength(2);
    expect(cut.items).toHaveLength(2);
    expect(cut.result.truncated).toBe(true);
    const exact = await run({ maxResults: 5 });
    expect(exact.result).toMatchObject({ truncated: false });
    expect(exact.result.files).toHaveLength(5);
  });

  it('gives the same files as fast-glob on node_modules/@nx when no ignore file applies', async () => {
    const root = resolve(import.meta.dirname, '../../../../node_modules/@nx');
    const patterns = ['**/*.d.ts', 'js/dist/src/**/*.js', '*/package.json', '**/{README,LICENSE}*'];
    for (const pattern of patterns) {
      const ours = await drain(
        glob(
          params('code.glob', { root, patterns: [pattern], gitignore: false, hidden: true }),
          context(),
        ),
      );
      const theirs = await fastGlob(pattern, { cwd: root, dot: true, followSymbolicLinks: false });
      expect(ours.result.files, pattern).toEqual(theirs.sort());
      expect(ours.result.files.length, pattern).toBeGreaterThan(0);
    }
  });
});
