import { describe, expect, it } from 'vitest';
import { scanHtml } from './scan-html';
import { decodeEntities, scanLinks } from './scan-links';

const PAGE = `<html><head><title>Fish &amp; Chips</title><script>var a = '<a href="/in-script">';</script></head>
<body><!-- <a href="/in-comment">x</a> --><a class=x href="/one?a=1&amp;b=2#frag">1</a>
<A HREF='two'>2</A> <a href=three>3</a> <a href="javascript:void(0)">js</a> <a name="n">none</a>
<a href="/one?a=1&b=2">again</a><style>a[href="/in-style"]{}</style></body></html>`;

describe('link and title scanning', () => {
  it('finds absolute, deduplicated links outside comments, scripts and styles', () => {
    const expected = [
      'http://h.test/one?a=1&b=2',
      'http://h.test/dir/two',
      'http://h.test/dir/three',
    ];
    expect(scanLinks(PAGE, 'http://h.test/dir/page')).toEqual({
      title: 'Fish & Chips',
      links: expected,
    });
  });

  it('agrees with the tokenizer pass on title and links', () => {
    const { title, links } = scanHtml(PAGE, 'http://h.test/dir/page');
    expect(scanLinks(PAGE, 'http://h.test/dir/page')).toEqual({ title, links });
  });

  it('decodes named and numeric entities', () => {
    expect(decodeEntities('&lt;a&gt; &#65;&#x42; &quot;&unknown;')).toBe('<a> AB "&unknown;');
  });
});
