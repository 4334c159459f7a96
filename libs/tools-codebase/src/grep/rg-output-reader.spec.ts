import { describe, expect, it } from 'vitest';
import { RgOutputReader } from './rg-output-reader';

/** Reads `line` from the middle of a larger chunk, as it arrives from rg. */
function read(reader: RgOutputReader, line: Buffer | string) {
  const chunk = Buffer.concat([
    Buffer.from('before\x001:1:x\n'),
    Buffer.from(line),
    Buffer.from('\nafter'),
  ]);
  const start = chunk.indexOf('\n') + 1;
  return reader.read(chunk, start, chunk.indexOf('\n', start));
}

describe('reading rg output lines', () => {
  it('reads a match: path, line, byte column and the text, colons and dashes included', () => {
    const reader = new RgOutputReader();
    expect(read(reader, 'src/a:b-c.ts\u000012:7:key: value - 3:4')).toEqual({
      kind: 'match',
      match: { path: 'src/a:b-c.ts', line: 12, column: 7, text: 'key: value - 3:4' },
      carriageReturn: false,
    });
  });

  it('reads a context line, and drops the CR of a CRLF line but says it was there', () => {
    const reader = new RgOutputReader();
    expect(read(reader, 'a.ts\u00003-  x: 1\r')).toEqual({
      kind: 'context',
      match: { path: 'a.ts', line: 3, column: 1, text: '  x: 1' },
      carriageReturn: true,
    });
  });

  it('keeps NUL bytes and non-UTF-8 bytes of the text, the latter as U+FFFD', () => {
    const reader = new RgOutputReader();
    const line = Buffer.concat([
      Buffer.from('p\u00001:2:caf'),
      Buffer.from([0xe9]),
      Buffer.from(' \u0000!'),
    ]);
    expect(read(reader, line)).toMatchObject({ match: { text: 'caf\ufffd \u0000!' } });
  });

  it('reads the files-searched count of --stats and ignores rg’s other notes', () => {
    const reader = new RgOutputReader();
    expect(read(reader, '31726 files searched')).toEqual({ kind: 'files-searched', count: 31726 });
    expect(read(reader, '12 files contained matches')).toEqual({ kind: 'other' });
    expect(read(reader, 'bin.dat: WARNING: stopped searching binary file after match')).toEqual({
      kind: 'other',
    });
    expect(read(reader, '')).toEqual({ kind: 'other' });
  });

  it('decodes a path once per file and counts the files seen', () => {
    const reader = new RgOutputReader();
    const first = read(reader, 'a.ts\u00001:1:x');
    const second = read(reader, 'a.ts\u00002:1:y');
    read(reader, 'b.ts\u00001:1:z');
    expect(
      first.kind === 'match' && second.kind === 'match' && first.match.path === second.match.path,
    ).toBe(true);
    expect(reader.filesWithOutput).toBe(2);
  });
});
