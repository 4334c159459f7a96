import { decodeHTML, decodeHTMLAttribute } from 'entities';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanHtml, squeeze } from './scan-html';
import { scanLinks } from './scan-links';

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
});

/** The one-expression scan the tag walk replaced, kept as the reference it must agree with. */
function regexScan(html: string, base: string): { title?: string; links: string[] } {
  const tokens =
    /<!--[\s\S]*?-->|<(script|style|template)\b[\s\S]*?<\/\1\s*>|<title\b[^>]*>([\s\S]*?)<\/title\s*>|<a\s([^>]*)>/gi;
  const hrefOf = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
  let title: string | undefined;
  const links = new Set<string>();
  for (const match of html.matchAll(tokens)) {
    if (match[2] !== undefined) {
      title ??= squeeze(decodeHTML(match[2].replace(/<[^>]*>/g, ''))) || undefined;
      continue;
    }
    const href = match[3] === undefined ? null : hrefOf.exec(match[3]);
    const raw = href?.[1] ?? href?.[2] ?? href?.[3];
    if (raw === undefined) continue;
    try {
      const url = new URL(decodeHTMLAttribute(raw.trim()), base);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      links.add(url.href);
    } catch {
      // not a link
    }
  }
  return { ...(title ? { title } : {}), links: [...links] };
}

const markup = fc
  .array(
    fc.constantFrom(
      '<a href="/x">',
      "<A HREF='y#f'>",
      '<a\thref=z>',
      '<a name=n>',
      '<abbr href="/no">',
      '<a',
      '</a>',
      '<title>',
      '<TITLE lang=en>',
      '</title>',
      '</title >',
      '<title',
      '<titles>',
      '<script>',
      '<SCRIPT type=x>',
      '</script>',
      '</script >',
      '<scripts>',
      '<style>',
      '</style>',
      '<template>',
      '</template>',
      '<templates>',
      '<!--',
      '-->',
      '<!-->',
      '<!',
      '<',
      '>',
      ' ',
      'text',
      '&amp;',
      '&lt;b&gt;',
      '<b>',
      'href="/in-text"',
      '"',
      "'",
      '#',
      '\n',
      '<a title="h" href="/t">',
      '<a data-href="/d" href=\'/e\'>',
      '<a HREF="/u">',
      '<a href = "/sp">',
      '<a hrEf=\'/m\' href="/n">',
      '<a x=href href="/o">',
      '<a href="/p',
      '<a href="HTTP://H.test:80/x#y">',
      '<a href="//h.test/x">',
      '<a \u00a0href="/nb">',
      '<a href\u00a0="/nb2">',
      'href',
      '="/q"',
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(''));

describe('the tag walk', () => {
  it('finds the same title and links as the regular expression it replaced', () => {
    fc.assert(
      fc.property(markup, (html) => {
        expect(scanLinks(html, 'http://h.test/dir/page')).toEqual(
          regexScan(html, 'http://h.test/dir/page'),
        );
      }),
      { numRuns: 20_000 },
    );
  });
});
