/*
 * Why a walk of its own and not htmlparser2's `Tokenizer`: on the web bench's page (3.5 KB,
 * a title, 20 links, 2,000 pages of 50 hosts), this walk takes 9.0 µs a page (median of 15
 * interleaved pairs) where a pass of the `Tokenizer` through its public API alone (names,
 * attributes and title text sliced from its indices, references decoded by `entities` as
 * here) took 33.5 µs: 2.95 times, slower in 15 pairs of 15; 3.6 times with one tokenizer
 * reused for every page. The tokenizer with callbacks that do nothing costs 12–17 µs by
 * itself: it visits every character of the text, which this walk jumps with
 * `indexOf('<')`. 'text' mode needs the text and the rules for where elements end
 * (`<body>` ends an open `<head>`, …), so it keeps htmlparser2's `Parser` (`scan-html.ts`,
 * 62 µs a page in the same run; the `Tokenizer` gathering the text as well took 37 µs,
 * but only with those rules written again here).
 */
import { decodeHTML, decodeHTMLAttribute } from 'entities';
import { LinkResolver } from './resolve-link';
import { squeeze } from './scan-html';

const HREF = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const SPACE = /\s/;
const CLOSING: Record<string, RegExp> = Object.fromEntries(
  ['script', 'style', 'template', 'title'].map((name) => [
    name,
    new RegExp(`</${name}\\s*>`, 'gi'),
  ]),
);

/** Whether `name` (lower case) starts at `at`, in any case, as a whole word. */
function nameAt(html: string, at: number, name: string): boolean {
  for (let i = 0; i < name.length; i += 1) {
    if ((html.charCodeAt(at + i) | 0x20) !== name.charCodeAt(i)) return false;
  }
  const next = html.charCodeAt(at + name.length);
  const word =
    (next >= 48 && next <= 57) || ((next | 0x20) >= 97 && (next | 0x20) <= 122) || next === 95;
  return !word;
}

const isSpace = (code: number) => code === 32 || (code >= 9 && code <= 13);

/**
 * The raw `href` of the attributes between `from` and `to`, as `HREF` finds it. The usual
 * spelling (lower case, quoted, no other `href`-like text before it) is read directly;
 * anything else goes to the expression, which then decides.
 */
function hrefBetween(html: string, from: number, to: number): string | undefined {
  const at = indexBefore(html, 'href', from, to);
  if (at !== -1 && (at === from || isSpace(html.charCodeAt(at - 1)))) {
    let i = at + 4;
    while (isSpace(html.charCodeAt(i))) i += 1;
    let quote = html.charCodeAt(i) === 61 /* = */ ? html.charCodeAt((i += 1)) : 0;
    while (isSpace(quote)) quote = html.charCodeAt((i += 1));
    const close = quote === 34 || quote === 39 ? html.indexOf(quote === 34 ? '"' : "'", i + 1) : -1;
    if (close !== -1 && close < to && !mayHideAnHref(html, from, at))
      return html.slice(i + 1, close);
  }
  const match = HREF.exec(html.slice(from, to));
  return match?.[1] ?? match?.[2] ?? match?.[3];
}

/** `html.indexOf(word, from)`, but looking no further than `to`. */
function indexBefore(html: string, word: string, from: number, to: number): number {
  const first = word.charCodeAt(0);
  for (let i = from; i <= to - word.length; i += 1) {
    if (html.charCodeAt(i) === first && html.startsWith(word, i)) return i;
  }
  return -1;
}

/** Whether an upper-case or non-ASCII spelling could make `HREF` match before `at`. */
function mayHideAnHref(html: string, from: number, at: number): boolean {
  for (let i = from; i < at; i += 1) {
    const code = html.charCodeAt(i);
    if (code === 72 || code === 82 || code === 69 || code === 70 || code > 127) return true;
  }
  return false;
}

/** The element whose content is not markup (script, style, template) named at `at`. */
function rawTextAt(html: string, at: number): string | undefined {
  if (nameAt(html, at, 'script')) return 'script';
  if (nameAt(html, at, 'style')) return 'style';
  return nameAt(html, at, 'template') ? 'template' : undefined;
}

/** Where the closing tag of `name` after `from` starts and ends, if there is one. */
function closing(html: string, from: number, name: string): [number, number] | undefined {
  const pattern = CLOSING[name] as RegExp;
  pattern.lastIndex = from;
  const match = pattern.exec(html);
  return match ? [match.index, match.index + match[0].length] : undefined;
}

/**
 * Title and links in one pass over the tags, skipping comments, scripts, styles and
 * templates: what 'html' and 'readable' extraction need besides the markup or the
 * article, at a fraction of a tokenizer's cost. It jumps from one `<` to the next and
 * looks only at the few tags that matter, where one regular expression tried at every
 * tag cost more than the rest of a fetch. Links are absolute http(s), without
 * fragments, each once. Character references are decoded by `entities`, the tables
 * htmlparser2 decodes with in 'text' mode (the title as text, hrefs by the attribute
 * rules, which leave `&copy=2` as written), so every mode gives the same title and links.
 */
export function scanLinks(html: string, base: string | URL): { title?: string; links: string[] } {
  let title: string | undefined;
  const links = new Map<string, string>();
  const resolver = new LinkResolver(base);
  let at = html.indexOf('<');
  while (at !== -1) {
    let end = -1;
    const next = html.charCodeAt(at + 1) | 0x20;
    if (next === 0x21 /* ! */ && html.startsWith('!--', at + 1)) {
      const close = html.indexOf('-->', at + 4);
      if (close !== -1) end = close + 3;
    } else if (next === 0x61 /* a */ && SPACE.test(html.charAt(at + 2))) {
      const close = html.indexOf('>', at + 3);
      if (close !== -1) {
        end = close + 1;
        const raw = hrefBetween(html, at + 3, close);
        const link = raw === undefined ? undefined : resolver.resolve(decodeHTMLAttribute(raw));
        if (link !== undefined) links.set(resolver.key, link);
      }
    } else if (next === 0x74 /* t */ && nameAt(html, at + 1, 'title')) {
      const open = html.indexOf('>', at + 6);
      const close = open === -1 ? undefined : closing(html, open + 1, 'title');
      if (close) {
        end = close[1];
        const inner = html.slice(open + 1, close[0]).replace(/<[^>]*>/g, '');
        title ??= squeeze(decodeHTML(inner)) || undefined;
      }
    } else if (next === 0x73 /* s */ || next === 0x74 /* t */) {
      const name = rawTextAt(html, at + 1);
      const close = name ? closing(html, at + 1 + name.length, name) : undefined;
      if (close) end = close[1];
    }
    at = html.indexOf('<', end === -1 ? at + 1 : end);
  }
  return { ...(title ? { title } : {}), links: [...links.values()] };
}
