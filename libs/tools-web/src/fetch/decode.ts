import { TextDecoder } from 'node:util';

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

/** Decodes bytes in the charset the content type names, UTF-8 when unknown. */
export function decode(bytes: Buffer, contentType: string): string {
  const charset = /charset=["']?([\w-]+)/i.exec(contentType)?.[1]?.toLowerCase();
  if (charset !== undefined && !UTF8.has(charset)) return decoder(charset).decode(bytes);
  // As a UTF-8 TextDecoder would (a leading BOM dropped, bad bytes replaced), and cheaper.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString('utf8', bom ? 3 : 0);
}
