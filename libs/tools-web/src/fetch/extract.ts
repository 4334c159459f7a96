import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { isHtml } from './media-type';
import { scanHtml, squeeze } from './scan-html';
import { scanLinks } from './scan-links';

/** What extraction yields of a page, besides its URL and bytes. */
export interface Extracted {
  title?: string;
  text: string;
  links: string[];
}

/** The extraction modes of `web.fetch`'s input. */
export type ExtractMode = 'readable' | 'text' | 'html';

/**
 * Turns a response body into title, text and links (absolute, deduplicated). 'text' is
 * the page's visible text, title and links from one SAX pass; 'html' is the markup as
 * sent and 'readable' the main article (Readability over a linkedom document, falling
 * back to the visible text), both with title and links from a cheaper scan of the tags.
 * Plain text and JSON come back as they are, without links.
 */
export function extract(
  body: string,
  mimeType: string,
  mode: ExtractMode,
  base: string | URL,
): Extracted {
  if (!isHtml(mimeType)) return { text: body, links: [] };
  if (mode === 'text') return scanHtml(body, base);
  const head = scanLinks(body, base);
  if (mode === 'html') return { ...head, text: body };
  if (mode === 'readable') {
    const { document } = parseHTML(body);
    const article = new Readability(document as never).parse();
    const text = squeeze(article?.textContent ?? '');
    if (text) return { ...head, text };
  }
  return { ...head, text: scanHtml(body, base).text };
}
