import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, params, rejection, tempTree, type TempTree } from '../testing/fixtures';
import { read } from './read';

/** Bytes this process has read through read(2) and friends, from /proc/self/io. */
const bytesRead = () => Number(/rchar: (\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);

const TEN_LINES = Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

function utf16(text: string, endian: 'le' | 'be'): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const body = endian === 'le' ? le : Buffer.from(le).swap16();
  return Buffer.concat([Buffer.from(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]);
}

describe('code.read', () => {
  let tree: TempTree;
  const run = (input: Omit<Parameters<typeof params<'code.read'>>[1], 'root'>) =>
    read(params('code.read', { root: tree.root, ...input }), context());

  beforeAll(async () => {
    tree = await tempTree({
      'ten.txt': TEN_LINES,
      'empty.txt': '',
      'no-final-newline.txt': 'a\nb',
      'crlf.txt': 'a\r\nb\r\n',
      'accents.txt': 'ééééé\n',
      'le.txt': utf16('héllo\nwörld\n', 'le'),
      'be.txt': utf16('héllo\nwörld\n', 'be'),
      'bom8.txt': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('bom\n')]),
      'image.png': Buffer.concat([
        Buffer.from('\x89PNG\r\n'),
        Buffer.alloc(16, 0),
        Buffer.from('IHDR'),
      ]),
      'dir/inner.txt': 'x\n',
    });
  });
  afterAll(() => tree.cleanup());

  it('reads a whole file with its encoding, line span and size', async () => {
    expect(await run({ path: 'ten.txt' })).toEqual({
      path: 'ten.txt',
      content: TEN_LINES,
      encoding: 'utf-8',
      startLine: 1,
      endLine: 10,
      bytes: Buffer.byteLength(TEN_LINES),
      truncated: false,
    });
  });

  it('reads a 1-based inclusive line range, each line with its line break', async () => {
    const result = await run({ path: 'ten.txt', startLine: 3, endLine: 5 });
    expect(result).toMatchObject({ content: 'line 3\nline 4\nline 5\n', startLine: 3, endLine: 5 });
  });

  it('reads from startLine to the end when endLine is left out, and stops at the last line', async () => {
    expect(await run({ path: 'ten.txt', startLine: 9 })).toMatchObject({
      content: 'line 9\nline 10\n',
      endLine: 10,
    });
    expect(await run({ path: 'ten.txt', startLine: 9, endLine: 50 })).toMatchObject({
      endLine: 10,
    });
  });

  it('returns nothing, not an error, for a range past the end', async () => {
    expect(await run({ path: 'ten.txt', startLine: 20 })).toMatchObject({
      content: '',
      startLine: 20,
      endLine: 19,
    });
    expect(await run({ path: 'empty.txt' })).toMatchObject({ content: '', endLine: 0, bytes: 0 });
  });

  it('keeps a last line without a line break, and CRLF as it is', async () => {
    expect(await run({ path: 'no-final-newline.txt', startLine: 2 })).toMatchObject({
      content: 'b',
      endLine: 2,
    });
    expect((await run({ path: 'crlf.txt' })).content).toBe('a\r\nb\r\n');
  });

  it('truncates at maxBytes and says so', async () => {
    const result = await run({ path: 'ten.txt', maxBytes: 10 });
    expect(result).toMatchObject({
      content: 'line 1\nlin',
      bytes: 10,
      truncated: true,
      endLine: 2,
    });
  });

  it('is not truncated when the content fits exactly', async () => {
    const result = await run({ path: 'ten.txt', startLine: 1, endLine: 1, maxBytes: 7 });
    expect(result).toMatchObject({ content: 'line 1\n', truncated: false });
  });

  it('never cuts a character in half', async () => {
    // "é" is 2 bytes: 5 bytes hold two of them and not half of a third.
    const result = await run({ path: 'accents.txt', maxBytes: 5 });
    expect(result).toMatchObject({ content: 'éé', bytes: 4, truncated: true });
  });

  it('decodes UTF-16 LE and BE by their byte-order mark', async () => {
    for (const [path, encoding] of [
      ['le.txt', 'utf-16le'],
      ['be.txt', 'utf-16be'],
    ] as const) {
      const result = await run({ path, startLine: 2 });
      expect(result).toMatchObject({ content: 'wörld\n', encoding, endLine: 2, bytes: 12 });
    }
  });

  it('truncates UTF-16 on a character boundary in the file’s own bytes', async () => {
    const result = await run({ path: 'le.txt', maxBytes: 7 });
    expect(result).toMatchObject({ content: 'hél', bytes: 6, truncated: true });
  });

  it('drops a UTF-8 byte-order mark', async () => {
    expect(await run({ path: 'bom8.txt' })).toMatchObject({ content: 'bom\n', encoding: 'utf-8' });
  });

  it('refuses a binary file with BINARY_FILE', async () => {
    const error = await rejection(run({ path: 'image.png' }));
    expect(error).toMatchObject({ code: 'BINARY_FILE', retryable: false });
    expect(error.message).toContain('image.png');
  });

  it('refuses a directory, a missing file, and a range that ends before it starts', async () => {
    expect((await rejection(run({ path: 'dir' }))).code).toBe('INVALID_INPUT');
    expect((await rejection(run({ path: 'missing.txt' }))).code).toBe('NOT_FOUND');
    expect((await rejection(run({ path: 'ten.txt', startLine: 5, endLine: 4 }))).code).toBe(
      'INVALID_INPUT',
    );
  });

  it('streams a 20 MB file: reads up to the end of the range and no further', async () => {
    const out = createWriteStream(join(tree.root, 'big.log'));
    const line = 'x'.repeat(99) + '\n';
    for (let i = 0; i < 200_000; i += 1) {
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end('the end\n');
    await once(out, 'finish');

    let before = bytesRead();
    const head = await run({ path: 'big.log', endLine: 10 });
    expect(head).toMatchObject({ endLine: 10, bytes: 1000, truncated: false });
    expect(bytesRead() - before).toBeLessThan(512 * 1024);

    before = bytesRead();
    const tail = await run({ path: 'big.log', startLine: 200_001 });
    expect(tail).toMatchObject({ content: 'the end\n', startLine: 200_001, endLine: 200_001 });
    expect(bytesRead() - before).toBeGreaterThan(20_000_000);
    const capped = await run({ path: 'big.log', maxBytes: 1000 });
    expect(capped).toMatchObject({ bytes: 1000, truncated: true, endLine: 10 });
  });
});
