import { TextDecoder } from 'node:util';
import { Parser } from 'htmlparser2';
import { charsetOf, isHtml, mimeOf } from './media-type';

const decoders = new Map<string, TextDecoder>();

/**
 * A decoder per charset label, made once: decoding whole bodies keeps no state between
 * calls, and making one costs about as much as decoding a small page.
 */
function decoder(label: string): TextDecoder {
  let found = decoders.get(label);
  if (!found) {
    try {
      found = new TextDecoder(label);
    } catch {
      found = decoder('utf-8');
    }
    if (decoders.size < 64) decoders.set(label, found);
  }
  return found;
}

const UTF8 = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);
/** How far into a page its `<meta>` charset is looked for, as browsers do (WHATWG prescan). */
const PRESCAN_BYTES = 1024;

/**
 * The charset a page's own `<meta charset>` or `<meta http-equiv="content-type">` names
 * in its first 1024 bytes, read as Latin-1 (every charset a meta can name agrees with
 * ASCII on the markup). A page that was really UTF-16 could not be read this far, so a
 * meta naming it means UTF-8, as the HTML standard says.
 */
function metaCharset(bytes: Buffer): string | undefined {
  let found: string | undefined;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name !== 'meta' || found !== undefined) return;
        const equiv = attributes['http-equiv']?.trim().toLowerCase() === 'content-type';
        found =
          attributes.charset?.trim().toLowerCase() ||
          (equiv ? charsetOf(attributes.content ?? '') : undefined);
      },
    },
    { decodeEntities: false },
  );
  parser.end(bytes.toString('latin1', 0, PRESCAN_BYTES));
  return found?.startsWith('utf-16') ? 'utf-8' : found;
}

/**
 * Decodes bytes in the charset the content type names; for a page whose header names
 * none and that starts with no UTF-8 byte order mark, in the one its `<meta>` names;
 * else UTF-8.
 */
export function decode(bytes: Buffer, contentType: string): string {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const sniff = !bom && isHtml(mimeOf(contentType));
  const charset = charsetOf(contentType) ?? (sniff ? metaCharset(bytes) : undefined);
  if (charset !== undefined && !UTF8.has(charset)) return decoder(charset).decode(bytes);
  // As a UTF-8 TextDecoder would (a leading BOM dropped, bad bytes replaced), and cheaper.
  return bytes.toString('utf8', bom ? 3 : 0);
}
