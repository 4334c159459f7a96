import { squeeze } from './scan-html';

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Decodes the entities that show up in hrefs and titles: the five XML ones, nbsp, numeric. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

const TOKENS =
  /<!--[\s\S]*?-->|<(script|style|template)\b[\s\S]*?<\/\1\s*>|<title\b[^>]*>([\s\S]*?)<\/title\s*>|<a\s([^>]*)>/gi;
const HREF = /(?:^|\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/**
 * Title and links by one regular-expression pass, skipping comments, scripts and styles:
 * what 'html' and 'readable' extraction need besides the markup or the article, at a
 * fraction of a tokenizer's cost. Links are absolute http(s), without fragments, each once.
 */
export function scanLinks(html: string, base: string): { title?: string; links: string[] } {
  let title: string | undefined;
  const links = new Set<string>();
  for (const match of html.matchAll(TOKENS)) {
    if (match[2] !== undefined) {
      title ??= squeeze(decodeEntities(match[2].replace(/<[^>]*>/g, ''))) || undefined;
      continue;
    }
    const attributes = match[3];
    if (attributes === undefined) continue;
    const href = HREF.exec(attributes);
    const raw = href?.[1] ?? href?.[2] ?? href?.[3];
    if (raw === undefined) continue;
    try {
      const url = new URL(decodeEntities(raw.trim()), base);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
      url.hash = '';
      links.add(url.href);
    } catch {
      // an unparsable href is not a link
    }
  }
  return { ...(title ? { title } : {}), links: [...links] };
}
