import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LinkResolver } from './resolve-link';

/** What links resolved to before the shortcut: a full parse against the base, hash cleared. */
function reference(href: string, base: string): string | undefined {
  try {
    const url = new URL(href.trim(), base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    url.hash = '';
    return url.href;
  } catch {
    return undefined;
  }
}

const BASES = [
  'http://h.test/dir/page',
  'https://Example.COM:443/a/b/?q=1#top',
  'http://127.0.0.2:8080/',
  'http://[::1]:81/x',
  'https://bücher.example/ü',
];

const pieces = fc.constantFrom(
  '/',
  '//',
  '.',
  '..',
  '/./',
  '/../',
  'a',
  'B',
  '~',
  '-',
  '_',
  '%',
  '%2e',
  '%41',
  '?',
  '??',
  '#',
  '&',
  '=',
  ';',
  ':',
  '@',
  '!',
  '$',
  "'",
  '(',
  '*',
  '+',
  ',',
  ' ',
  '\t',
  '\n',
  '\\',
  '"',
  '<',
  '>',
  '`',
  '{',
  '^',
  '|',
  'é',
  'http:',
  'https://',
  'mailto:',
  'javascript:',
  'other.test',
  '\u00a0',
);
const hrefs = fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(''));

describe('link resolution', () => {
  it('resolves as a full parse against the base would, without the fragment', () => {
    fc.assert(
      fc.property(hrefs, fc.constantFrom(...BASES), (href, base) => {
        expect(new LinkResolver(base).resolve(href)).toBe(reference(href, base));
      }),
      { numRuns: 20_000 },
    );
  });

  it('keeps site-absolute paths, queries and origins exactly', () => {
    const resolver = new LinkResolver('http://127.0.0.2:80/dir/page');
    expect(resolver.resolve('/p/1?a=1&b=2#x')).toBe('http://127.0.0.2/p/1?a=1&b=2');
    expect(resolver.resolve('/a/../b')).toBe('http://127.0.0.2/b');
    expect(resolver.resolve('//other.test/x')).toBe('http://other.test/x');
    expect(resolver.resolve('mailto:x@y')).toBeUndefined();
    expect(resolver.resolve('http://[bad')).toBeUndefined();
  });
});
