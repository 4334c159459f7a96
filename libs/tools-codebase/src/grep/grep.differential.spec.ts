import type { ToolInputOf } from '@fanout/contracts';
import { drain } from '@fanout/testing';
import { describe, expect, it } from 'vitest';
import { context, params } from '../testing/fixtures';
import { NX_TREE as TREE, referenceLines, WALK_MODES as MODES } from '../testing/reference-rg';
import { grep } from './grep';

/**
 * code.grep against ripgrep itself on a tree nobody here wrote (see `reference-rg.ts`),
 * rg driven through its plain text output, so a mistake in our flags, our reading of
 * its output or our context handling shows up as a difference.
 */
type Case = Omit<ToolInputOf<'code.grep'>, 'root' | 'patterns'> & { pattern: string };

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

describe('code.grep against ripgrep on node_modules/@nx', () => {
  /** Matches per case and mode: a differential that only ever compares empty sets proves nothing. */
  const sizes: number[] = [];

  for (const mode of MODES) {
    describe(mode.name, () => {
      it.each(CASES)('finds the same (path, line) set as rg for %j', async (input) => {
        const [ours, theirs] = await Promise.all([
          drain(grep(params('code.grep', { root: TREE, ...input, ...mode.input }), context())),
          referenceLines(TREE, input, mode.flags),
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
