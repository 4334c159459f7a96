import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runFanout, workspaceRoot } from '@fanout/testing';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** A grep over this repository's node_modules: every TODO, FIXME and XXX, ignore files and hidden files included. */
const GREP = {
  root: 'node_modules',
  pattern: 'TODO|FIXME|XXX',
  gitignore: false,
  hidden: true,
  maxMatches: 10_000_000,
};

/** The same over every line that says `function`: over a hundred thousand matches, megabytes. */
const MANY = { ...GREP, pattern: 'function' };

/** The (path, line) pairs ripgrep itself prints for the same search. */
async function ripgrepPairs(pattern: string): Promise<string[]> {
  const { stdout } = await run(
    'rg',
    [
      '--no-config',
      '--no-ignore',
      '--hidden',
      '--line-number',
      '--no-heading',
      '--with-filename',
      '--null',
      '-e',
      pattern,
      './',
    ],
    { cwd: join(workspaceRoot, GREP.root), maxBuffer: 1 << 30 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const nul = line.indexOf('\0');
      return `${line.slice(0, nul).replace(/^\.\//, '')}:${line.slice(nul + 1, line.indexOf(':', nul))}`;
    })
    .sort();
}

const embedded = { NATS_URL: undefined };

describe('results of any size, through the fanout command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fanout-large-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `fanout call --json` of one grep, with its matches as (path, line) pairs. */
  async function callGrep(input: typeof GREP) {
    const call = await runFanout(
      ['call', 'code.grep', '--input', JSON.stringify(input), '--json'],
      embedded,
    );
    expect(call.code, call.stderr).toBe(0);
    const document = JSON.parse(call.stdout) as {
      tool: string;
      status: string;
      result: { matches: { path: string; line: number }[]; truncated: boolean };
    };
    expect(document).toMatchObject({ tool: 'code.grep', status: 'succeeded' });
    expect(document.result.truncated).toBe(false);
    const pairs = document.result.matches.map((match) => `${match.path}:${match.line}`).sort();
    return { pairs, bytes: call.stdout.length };
  }

  it(
    "fanout call of a grep over node_modules gives exactly ripgrep's (path, line) set",
    { timeout: 120_000 },
    async () => {
      const [found, expected] = await Promise.all([callGrep(GREP), ripgrepPairs(GREP.pattern)]);
      expect(expected.length).toBeGreaterThan(500);
      expect(found.pairs).toEqual(expected);
    },
  );

  it(
    'and whole when the result is far larger than a message: a hundred thousand matches and more',
    { timeout: 180_000 },
    async () => {
      const [found, expected] = await Promise.all([callGrep(MANY), ripgrepPairs(MANY.pattern)]);
      expect(expected.length).toBeGreaterThan(100_000);
      expect(found.bytes).toBeGreaterThan(4 * 1_048_576); // four times what a message carries
      expect(found.pairs).toEqual(expected);
    },
  );

  it(
    'a workflow fans out over that result: one read per match, each (path, line) once',
    { timeout: 180_000 },
    async () => {
      const file = join(dir, 'every-match.yaml');
      writeFileSync(
        file,
        JSON.stringify({
          name: 'every-match',
          phases: [
            { id: 'find', tasks: [{ id: 'grep', tool: 'code.grep', input: GREP }] },
            {
              id: 'each',
              dependsOn: ['find'],
              tasks: [
                {
                  id: 'line',
                  tool: 'code.read',
                  forEach: '${{ find.grep.matches }}',
                  input: {
                    root: GREP.root,
                    path: '${{ item.path }}',
                    startLine: '${{ item.line }}',
                    endLine: '${{ item.line }}',
                    maxBytes: 16,
                  },
                },
              ],
            },
          ],
        }),
      );
      const [workflow, expected] = await Promise.all([
        runFanout(['run', file, '--json'], embedded),
        ripgrepPairs(GREP.pattern),
      ]);
      expect(workflow.code, workflow.stderr).toBe(0);
      const document = JSON.parse(workflow.stdout) as {
        summary: { status: string };
        results: Record<string, { path: string; startLine: number }>;
      };
      expect(document.summary.status).toBe('succeeded');
      const reads = Object.entries(document.results)
        .filter(([taskId]) => taskId.startsWith('each/line/'))
        .map(([, read]) => `${read.path}:${read.startLine}`)
        .sort();
      expect(reads).toEqual(expected);
    },
  );
});
