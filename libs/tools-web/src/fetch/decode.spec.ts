import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode } from './decode';

describe('body decoding', () => {
  it('decodes UTF-8 exactly as a TextDecoder does, BOM and bad bytes included', () => {
    const bytes = fc.array(
      fc.constantFrom(0x41, 0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xff, 0x80),
      { maxLength: 12 },
    );
    fc.assert(
      fc.property(bytes, fc.constantFrom('text/html', 'text/html; charset=UTF-8'), (list, type) => {
        const buffer = Buffer.from(list);
        expect(decode(buffer, type)).toBe(new TextDecoder().decode(buffer));
      }),
      { numRuns: 5_000 },
    );
  });

  it('decodes in the charset the content type names', () => {
    expect(decode(Buffer.from([0x63, 0x61, 0x66, 0xe9]), 'text/html; charset="ISO-8859-1"')).toBe(
      'café',
    );
  });
});

/** 'Привет' in windows-1251 and '日本' in Shift_JIS, byte for byte. */
const PRIVET_1251 = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2];
const NIHON_SJIS = [0x93, 0xfa, 0x96, 0x7b];

/** A page of ASCII markup around `body`'s bytes. */
const page = (head: string, body: number[], padding = 0): Buffer =>
  Buffer.concat([
    Buffer.from(`<!doctype html><html><head>${' '.repeat(padding)}${head}</head><body><p>`),
    Buffer.from(body),
    Buffer.from('</p></body></html>'),
  ]);

describe('a page whose header names no charset', () => {
  it('is decoded in the charset of its <meta charset>', () => {
    expect(decode(page('<meta charset="windows-1251">', PRIVET_1251), 'text/html')).toContain(
      '<p>Привет</p>',
    );
  });

  it('is decoded in the charset of its <meta http-equiv="Content-Type">', () => {
    const meta = '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Shift_JIS">';
    expect(decode(page(meta, NIHON_SJIS), 'text/html')).toContain('<p>日本</p>');
  });

  it('takes the first meta that names one, and an unquoted value', () => {
    const metas = '<meta name=x><meta charset=windows-1251><meta charset=shift_jis>';
    expect(decode(page(metas, PRIVET_1251), 'application/xhtml+xml')).toContain('Привет');
  });

  it('keeps the header charset over the meta', () => {
    const bytes = page('<meta charset="shift_jis">', PRIVET_1251);
    expect(decode(bytes, 'text/html; charset=windows-1251')).toContain('Привет');
  });

  it('looks no further than the first 1024 bytes, as browsers do', () => {
    const bytes = page('<meta charset="windows-1251">', PRIVET_1251, 1024);
    expect(decode(bytes, 'text/html')).toBe(new TextDecoder().decode(bytes));
  });

  it('reads a meta naming UTF-16 as UTF-8: an ASCII meta could not be read in UTF-16', () => {
    const bytes = page('<meta charset="utf-16le">', [...Buffer.from('é')]);
    expect(decode(bytes, 'text/html')).toContain('<p>é</p>');
  });

  it('is UTF-8 after a UTF-8 byte order mark, whatever the meta says', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      page('<meta charset="windows-1251">', [...Buffer.from('é')]),
    ]);
    expect(decode(bytes, 'text/html')).toContain('<p>é</p>');
  });

  it('is not sniffed unless it is HTML', () => {
    const bytes = page('<meta charset="windows-1251">', [...Buffer.from('é')]);
    expect(decode(bytes, 'text/plain')).toContain('<p>é</p>');
  });
});
