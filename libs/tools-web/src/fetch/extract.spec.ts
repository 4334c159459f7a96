import { describe, expect, it } from 'vitest';
import { extract, type ExtractMode } from './extract';

const BASE = 'http://h.test/dir/page';

/**
 * Character references of every kind: named beyond the XML five (`&eacute;`, `&hellip;`),
 * decimal, hexadecimal, one HTML maps to another character (`&#128;` is the euro sign),
 * and in an href one without its semicolon before `=`, which HTML leaves as written.
 */
const PAGE = `<html><head><title>Caf&eacute; &#233;t&#xE9; &amp; co&nbsp;&hellip; 5&#128;</title></head>
<body><article><h1>Menu</h1><p>${'A paragraph long enough to be the article. '.repeat(20)}</p>
<p>See <a href="/caf&eacute;?a=1&amp;b=2">the caf&eacute;</a>, <a href="/p?x=1&copy=2">the shop</a>
and <a href="&#x2F;about">about</a>.</p></article></body></html>`;

const MODES: ExtractMode[] = ['text', 'html', 'readable'];

describe('extraction of a page with character references', () => {
  it.each(MODES)('decodes the title in %s mode', (mode) => {
    expect(extract(PAGE, 'text/html', mode, BASE).title).toBe('Café été & co … 5€');
  });

  it.each(MODES)('decodes the hrefs in %s mode', (mode) => {
    expect(extract(PAGE, 'text/html', mode, BASE).links).toEqual([
      'http://h.test/caf%C3%A9?a=1&b=2',
      'http://h.test/p?x=1&copy=2',
      'http://h.test/about',
    ]);
  });

  it.each(['text', 'readable'] as const)('decodes link text in %s mode', (mode) => {
    expect(extract(PAGE, 'text/html', mode, BASE).text).toContain('See the café, the shop');
  });
});
