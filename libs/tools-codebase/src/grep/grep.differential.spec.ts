import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { ToolInputOf } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { ripgrepPath } from '../ripgrep/ripgrep-path';
import { drain } from '@fanout/testing';
import { context, params } from '../testing/fixtures';
import { grep } from './grep';

/**
 * code.grep against ripgrep itself on a tree nobody here wrote: the installed
 * `node_modules/@nx` (a thousand files of JavaScript, typings, JSON and docs). The
 * reference is the system's `rg` when there is one — a different build and version from
 * the one code.grep runs — driven through its plain text output, so a mistake in our
 * flags, our JSON reading or our context handling shows up as a difference.
 */
const TREE = resolve(import.meta.dirname, '../../../../node_modules/@nx');
const REFERENCE_RG = existsSync('/usr/bin/rg') ? '/usr/bin/rg' : ripgrepPath;
const run = promisify(execFile);

type Case = Omit<ToolInputOf<'code.grep'>, 'root'>;

const CASES: Case[] = [
  { pattern: 'function' },
  { pattern: String.raw`export\s+(async\s+)?function\s+\w+` },
  { pattern: 'TODO', caseSensitive: false },
  { pattern: 'todo', caseSensitive: 'smart' },
  { pattern: 'Todo', caseSensitive: 'smart' },
  { pattern: 'require(', literal: true },
  { pattern: 'a.b', literal: true },
  { pattern: String.raw`\bimport\b.*from`, include: ['*.js'] },
  { pattern: String.raw`interface \w+`, include: ['*.d.ts'] },
  { pattern: 'license', caseSensitive: false, include: ['*.md', '*.json'] },
  { pattern: 'version', exclude: ['*.json'] },
  { pattern: '[0-9]{4}-[0-9]{2}-[0-9]{2}' },
  { pattern: String.raw`^\s*//` },
  { pattern: '$', literal: true },
  { pattern: String.raw`\$\{` },
  { pattern: '=>', literal: true, include: ['src/**'] },
  { pattern: 'nx', caseSensitive: false, exclude: ['**/*.js'] },
  { pattern: 'ü|é|ß|→' },
  { pattern: String.raw`\t` },
  { pattern: String.raw`class\s+[A-Z]\w*\s+extends` },
  { pattern: 'process.env', literal: true },
  { pattern: '(?i)schema' },
  { pattern: String.raw`\w+Error\b`, include: ['*.ts'], exclude: ['*.d.ts'] },
  { pattern: '"main":', literal: true, include: ['package.json'] },
];

const MODES = [
  {
    name: 'ignore files honoured',
    input: {},
    flags: ['--no-ignore-parent', '--no-ignore-global', '--no-require-git'],
  },
  {
    name: 'gitignore: false, hidden: true',
    input: { gitignore: false, hidden: true },
    flags: ['--no-ignore', '--hidden'],
  },
];

/** The (path, line) pairs the reference rg prints for the same search. */
async function reference(input: Case, flags: string[]): Promise<string[]> {
  const args = [
    '--no-config',
    ...flags,
    '--line-number',
    '--no-heading',
    '--with-filename',
    '--null',
  ];
  if (input.caseSensitive === false) args.push('-i');
  else if (input.caseSensitive === 'smart') args.push('-S');
  else args.push('-s');
  if (input.literal) args.push('-F');
  for (const glob of input.include ?? []) args.push('-g', glob);
  for (const glob of input.exclude ?? []) args.push('-g', `!${glob}`);
  args.push('-e', input.pattern, './');
  try {
    const { stdout } = await run(REFERENCE_RG, args, { cwd: TREE, maxBuffer: 1 << 30 });
    return stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const nul = line.indexOf('\0');
        const path = line.slice(0, nul).replace(/^\.\//, '');
        return `${path}:${line.slice(nul + 1, line.indexOf(':', nul))}`;
      });
  } catch (error) {
    if ((error as { code?: number }).code === 1) return [];
    throw error;
  }
}

describe('code.grep against ripgrep on node_modules/@nx', () => {
  /** Matches per case and mode: a differential that only ever compares empty sets proves nothing. */
  const sizes: number[] = [];

  for (const mode of MODES) {
    describe(mode.name, () => {
      it.each(CASES)('finds the same (path, line) set as rg for %j', async (input) => {
        const [ours, theirs] = await Promise.all([
          drain(grep(params('code.grep', { root: TREE, ...input, ...mode.input }), context())),
          reference(input, mode.flags),
        ]);
        const found = ours.result.matches.map((m) => `${m.path}:${m.line}`);
        expect(new Set(found).size).toBe(found.length);
        expect(found.sort()).toEqual(theirs.sort());
        sizes.push(found.length);
      });
    });
  }

  it('compared real results: most cases found matches, some found thousands', () => {
    expect(sizes).toHaveLength(CASES.length * MODES.length);
    expect(sizes.filter((size) => size > 0).length).toBeGreaterThanOrEqual(sizes.length * 0.8);
    expect(Math.max(...sizes)).toBeGreaterThan(1000);
  });

  it('ran against a tree big enough to mean something', async () => {
    const { result } = await drain(
      grep(params('code.grep', { root: TREE, pattern: 'a' }), context()),
    );
    expect(result.filesSearched).toBeGreaterThan(500);
  });
});
