import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolContext, ToolInputOf } from '@fanout/contracts';
import { AgentValidate } from '@fanout/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from './validate';

const context = (signal = new AbortController().signal): ToolContext => ({
  signal,
  workflowId: 'wf-test',
  taskId: 'check/claims',
  attempt: 1,
});

/** Runs agent.validate on input as a caller writes it, the contract's defaults applied. */
const when = (input: ToolInputOf<'agent.validate'>, ctx = context()) =>
  validate(AgentValidate.input.parse(input), ctx);

/** The reason of each result, undefined for a claim that holds. */
const reasons = (output: Awaited<ReturnType<typeof when>>) =>
  output.results.map((result) => (result.ok ? undefined : result.reason));

describe('agent.validate', () => {
  describe('given a tree of real files', () => {
    let base: string;
    let root: string;
    beforeAll(async () => {
      base = await mkdtemp(join(tmpdir(), 'fanout-validate-'));
      root = join(base, 'repo');
      await mkdir(join(root, 'src'), { recursive: true });
      await writeFile(join(root, 'src/a.ts'), 'export const a = 1;\r\n\nexport function b() {}\n');
      await writeFile(join(root, 'src/bin.dat'), Buffer.from([1, 0, 2, 10]));
      await writeFile(join(base, 'secret.txt'), 'outside\n');
      await symlink(join(base, 'secret.txt'), join(root, 'escape.txt'));
    });
    afterAll(() => rm(base, { recursive: true, force: true }));

    it('when the cited lines are there and say what is claimed, every claim holds', async () => {
      const output = await when({
        root,
        claims: [
          { kind: 'line', path: 'src/a.ts', line: 1, text: 'const a = 1;' },
          { kind: 'line', path: 'src/a.ts', line: 2 },
          { kind: 'line', path: './src/a.ts', line: 3, text: 'function b()' },
        ],
      });
      expect(reasons(output)).toEqual([undefined, undefined, undefined]);
      expect(output).toMatchObject({ passed: 3, failed: 0 });
    });

    it('when a line says something else or is past the end, says what the file has', async () => {
      const output = await when({
        root,
        claims: [
          { kind: 'line', path: 'src/a.ts', line: 3, text: 'function c()' },
          { kind: 'line', path: 'src/a.ts', line: 4 },
          { kind: 'line', path: 'src/a.ts', line: 1, text: '1;\r' },
        ],
      });
      expect(reasons(output)).toEqual([
        'line 3 of "src/a.ts" does not contain "function c()"; it reads "export function b() {}"',
        '"src/a.ts" has no line 4: it ends at line 3',
        'line 1 of "src/a.ts" does not contain "1;\\r"; it reads "export const a = 1;"',
      ]);
      expect(output).toMatchObject({ passed: 0, failed: 3 });
    });

    it('when a path leaves the root, is missing or names no text file, fails that claim with why', async () => {
      const output = await when({
        root,
        claims: [
          { kind: 'line', path: '../secret.txt', line: 1 },
          { kind: 'line', path: 'escape.txt', line: 1 },
          { kind: 'line', path: 'src/gone.ts', line: 1 },
          { kind: 'line', path: 'src', line: 1 },
          { kind: 'line', path: 'src/bin.dat', line: 1 },
          { kind: 'line', path: 'src/a.ts', line: 1 },
        ],
      });
      const [climbs, symlinked, missing, directory, binary, fine] = reasons(output);
      expect(climbs).toMatch(/^path "\.\.\/secret\.txt" is outside root/);
      expect(symlinked).toMatch(/^path "escape\.txt" is outside root .*: a symlink resolves it/);
      expect(missing).toMatch(/^no file "src\/gone\.ts" under root/);
      expect(directory).toMatch(/"src" under root .* is not a regular file/);
      expect(binary).toMatch(/"src\/bin\.dat" is a binary file/);
      expect(fine).toBeUndefined();
      expect(output).toMatchObject({ passed: 1, failed: 5 });
    });

    it('when no root is given, fails line claims and says what is missing', async () => {
      const output = await when({ claims: [{ kind: 'line', path: 'src/a.ts', line: 1 }] });
      expect(reasons(output)).toEqual([
        'a "line" claim needs `root`, the directory its path is relative to',
      ]);
    });

    it('when the call is cancelled, ends as cancelled instead of failing the claims', async () => {
      const cancelled = new AbortController();
      cancelled.abort();
      await expect(
        when(
          { root, claims: [{ kind: 'line', path: 'src/a.ts', line: 1 }] },
          context(cancelled.signal),
        ),
      ).rejects.toMatchObject({ code: 'CANCELLED' });
    });
  });

  describe('given the pages a workflow fetched', () => {
    const fetched = [
      {
        url: 'https://Example.org:443/guide?utm_source=feed#install',
        text: 'Install it:\n  npm   install  fanout\n',
      },
      { url: 'https://example.org/blank' },
    ];

    it('when the claims cite them, however the URL is spelled and the quote spaced, they hold', async () => {
      const output = await when({
        fetched,
        claims: [
          { kind: 'url', url: 'https://example.org/guide' },
          { kind: 'url', url: 'https://EXAMPLE.org/guide#top', quote: 'npm install\tfanout' },
        ],
      });
      expect(reasons(output)).toEqual([undefined, undefined]);
    });

    it('when a page was not fetched, lacks the quote or its text, says which', async () => {
      const output = await when({
        fetched,
        claims: [
          { kind: 'url', url: 'https://example.org/other' },
          { kind: 'url', url: 'https://example.org/guide', quote: 'yarn add fanout' },
          { kind: 'url', url: 'https://example.org/blank', quote: 'anything' },
          { kind: 'url', url: 'ftp://example.org/guide' },
        ],
      });
      expect(reasons(output)).toEqual([
        '"https://example.org/other" is not among the 2 pages fetched',
        'the page "https://example.org/guide" does not contain "yarn add fanout"',
        '"https://example.org/blank" was fetched without its text: the quote cannot be checked',
        '"ftp://example.org/guide" is not an http(s) URL',
      ]);
    });
  });

  describe('given the exit codes of commands', () => {
    it('holds for 0 and names the command and its code otherwise, in input order', async () => {
      const output = await when({
        claims: [
          { kind: 'exit', command: 'npm test', exitCode: 0 },
          { kind: 'exit', command: 'npm run lint', exitCode: 2 },
          { kind: 'line', path: 'a.ts', line: 1 },
          { kind: 'exit', exitCode: null },
        ],
      });
      expect(reasons(output)).toEqual([
        undefined,
        '"npm run lint" exited with 2, not 0',
        'a "line" claim needs `root`, the directory its path is relative to',
        'the command did not exit by itself (it was killed or timed out)',
      ]);
      expect(output.results.map((result) => result.claim.kind)).toEqual([
        'exit',
        'exit',
        'line',
        'exit',
      ]);
      expect(output).toMatchObject({ passed: 1, failed: 3 });
    });
  });
});
