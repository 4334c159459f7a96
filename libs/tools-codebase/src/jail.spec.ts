import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { glob } from './glob/glob';
import { grep } from './grep/grep';
import { isInside, openJail, relativeInside, resolveInside } from './jail';
import { read } from './read/read';
import { drain } from '@fanout/testing';
import { context, params, rejection, tempTree, type TempTree } from './testing/fixtures';

describe('the jail', () => {
  let tree: TempTree;
  let outside: string;

  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'fanout-outside-'));
    await writeFile(join(outside, 'secret.txt'), 'SECRET token\n');
    tree = await tempTree({
      'src/a.txt': 'hello token\n',
      'link-out.txt': { link: join(outside, 'secret.txt') },
      'dir-out': { link: outside },
      'link-in.txt': { link: 'src/a.txt' },
    });
  });
  afterAll(async () => {
    await tree.cleanup();
    await rm(outside, { recursive: true, force: true });
  });

  it('refuses ".." that climbs out of the root', async () => {
    const jail = await openJail(tree.root);
    expect(() => relativeInside(jail, '../etc/passwd')).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_ROOT', retryable: false }),
    );
    expect(() => relativeInside(jail, 'src/../../x')).toThrow(/outside root/);
  });

  it('accepts ".." that stays inside, and absolute paths under the root', async () => {
    const jail = await openJail(tree.root);
    expect(relativeInside(jail, 'src/../src/a.txt')).toBe('src/a.txt');
    expect(relativeInside(jail, join(tree.root, 'src/a.txt'))).toBe('src/a.txt');
  });

  it('refuses an absolute path elsewhere', async () => {
    const error = await rejection(
      read(params('code.read', { root: tree.root, path: join(outside, 'secret.txt') }), context()),
    );
    expect(error.code).toBe('PATH_OUTSIDE_ROOT');
    expect(error.message).toContain(join(outside, 'secret.txt'));
  });

  it('refuses a symlink that resolves outside the root, file or directory', async () => {
    const jail = await openJail(tree.root);
    for (const path of ['link-out.txt', 'dir-out/secret.txt']) {
      const error = await rejection(resolveInside(jail, path));
      expect(error.code).toBe('PATH_OUTSIDE_ROOT');
      expect(error.message).toMatch(/symlink/);
    }
    const viaRead = await rejection(
      read(params('code.read', { root: tree.root, path: 'link-out.txt' }), context()),
    );
    expect(viaRead.code).toBe('PATH_OUTSIDE_ROOT');
  });

  it('follows a symlink that stays inside the root', async () => {
    const result = await read(
      params('code.read', { root: tree.root, path: 'link-in.txt' }),
      context(),
    );
    expect(result.content).toBe('hello token\n');
  });

  it('says NOT_FOUND for a path that does not exist, and for a missing root', async () => {
    const jail = await openJail(tree.root);
    expect((await rejection(resolveInside(jail, 'nope.txt'))).code).toBe('NOT_FOUND');
    expect((await rejection(openJail(join(tree.root, 'missing')))).code).toBe('NOT_FOUND');
  });

  it('keeps grep and glob from walking through symlinks out of the root', async () => {
    const { result } = await drain(
      grep(
        params('code.grep', { root: tree.root, pattern: 'token', gitignore: false, hidden: true }),
        context(),
      ),
    );
    expect(result.matches.map((m) => m.path)).toEqual(['src/a.txt']);
    const files = await drain(
      glob(params('code.glob', { root: tree.root, hidden: true }), context()),
    );
    expect(files.result.files).toEqual(['src/a.txt']);
  });

  it('refuses glob patterns that climb out of the root', async () => {
    const error = await rejection(
      drain(glob(params('code.glob', { root: tree.root, patterns: ['../**/*.txt'] }), context())),
    );
    expect(error.code).toBe('PATH_OUTSIDE_ROOT');
  });

  it('never hands out a path outside the root, whatever path it is given, in bulk', async () => {
    const jail = await openJail(tree.root);
    const segment = fc.oneof(
      fc.constantFrom('..', '.', '', 'src', 'a.txt', 'link-out.txt', 'dir-out', 'link-in.txt'),
      fc.constantFrom('secret.txt', '%2e%2e', '..\\..', 'a\0b', '\0', '~', '/etc', outside),
      fc.string({ maxLength: 8 }),
    );
    const path = fc
      .tuple(fc.boolean(), fc.array(segment, { maxLength: 8 }))
      .map(([absolute, parts]) => (absolute ? '/' : '') + parts.join('/'));
    await fc.assert(
      fc.asyncProperty(path, async (given) => {
        try {
          const { real, relative } = await resolveInside(jail, given);
          expect(isInside(jail.real, real), `${given} -> ${real}`).toBe(true);
          expect(relative.startsWith('..')).toBe(false);
        } catch (error) {
          expect(['PATH_OUTSIDE_ROOT', 'NOT_FOUND', 'INVALID_INPUT']).toContain(
            (error as { code?: string }).code,
          );
        }
      }),
      { numRuns: 500, seed: 20261203 },
    );
  });
});
