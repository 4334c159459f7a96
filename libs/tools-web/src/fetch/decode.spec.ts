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
