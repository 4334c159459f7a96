import type { ToolInputOf } from '@fanout/contracts';
import { drain } from '@fanout/testing';
import { describe, expect, it } from 'vitest';
import { context, params } from '../testing/fixtures';
import { NX_TREE as TREE, referenceLines, WALK_MODES } from '../testing/reference-rg';
import { grep } from './grep';

/**
 * `patterns` against ripgrep run once per pattern on node_modules/@nx (see
 * `reference-rg.ts`): one walk must find the union of the lines the separate runs find,
 * and each pattern must be named on exactly the lines its own run finds. The patterns
 * are written in what Rust's and JavaScript's syntaxes share (and rg 13 reads), so the
 * reference can be the system's rg.
 */
type Batch = Omit<ToolInputOf<'code.grep'>, 'root' | 'pattern'> & { patterns: string[] };

const BATCHES: Record<string, Batch> = {
  'regexes, case-sensitive': {
    patterns: [
      'function',
      String.raw`export\s+(async\s+)?function\s+\w+`,
      String.raw`\bimport\b.*from`,
      String.raw`interface \w+`,
      '[0-9]{4}-[0-9]{2}-[0-9]{2}',
      String.raw`^\s*//`,
      String.raw`\$\{`,
      'ü|é|ß|→',
      String.raw`class\s+[A-Z]\w*\s+extends`,
      '(?i)schema',
    ],
  },
  'regexes, smart case decided per pattern': {
    caseSensitive: 'smart',
    patterns: [
      'todo',
      'Todo',
      'version',
      'License',
      String.raw`\w+Error\b`,
      'nx',
      'TODO|FIXME',
      'deprecated',
      '[[:upper:]]{3,}',
      String.raw`\p{Lu}\d`,
    ],
  },
  'literals, case-insensitive': {
    literal: true,
    caseSensitive: false,
    patterns: ['require(', 'a.b', '$', 'Process.Env', '=>', '"main":', '${', '[', '\\', '*/'],
  },
};

describe('code.grep with patterns against one ripgrep run per pattern on node_modules/@nx', () => {
  const mode = WALK_MODES[0]!;

  for (const [name, batch] of Object.entries(BATCHES)) {
    it(`${name}: finds the union in one walk and names each pattern where rg alone finds it`, async () => {
      const { caseSensitive, literal } = batch;
      const [ours, ...alone] = await Promise.all([
        drain(grep(params('code.grep', { root: TREE, ...batch }), context())),
        ...batch.patterns.map((pattern) =>
          referenceLines(TREE, { pattern, caseSensitive, literal }, mode.flags),
        ),
      ]);
      const matches = ours.result.matches;
      const found = matches.map((match) => `${match.path}:${match.line}`);
      expect(new Set(found).size).toBe(found.length);
      expect(found.sort()).toEqual([...new Set(alone.flat())].sort());
      batch.patterns.forEach((pattern, index) => {
        const tagged = matches
          .filter((match) => match.patterns?.includes(index))
          .map((match) => `${match.path}:${match.line}`);
        expect(tagged.sort(), pattern).toEqual(alone[index]!.sort());
      });
      // A differential that compares empty sets proves nothing: most patterns found lines.
      expect(alone.filter((lines) => lines.length > 0).length).toBeGreaterThanOrEqual(8);
      expect(matches.every((match) => (match.patterns?.length ?? 0) > 0)).toBe(true);
    });
  }
});
