import { CodebaseError, CodebaseErrorCode } from '../errors';

/** The encodings code.read reports (the contract's `encoding`). */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

/** How far into a file binary detection looks: git's and rg's heuristic, a NUL byte. */
export const BINARY_SNIFF_BYTES = 8192;

/**
 * Decides how to decode a file from its first bytes: a byte-order mark names UTF-16
 * (LE or BE) or UTF-8; without one, the file is UTF-8 unless a NUL byte appears in the
 * first 8 KB, which marks it binary (`BINARY_FILE`) — text has no NULs, UTF-16 without a
 * BOM cannot be told from binary, and decoding binary as text only returns noise.
 */
export function detectEncoding(head: Uint8Array, path: string): TextEncoding {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const nul = head.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
  if (nul !== -1) {
    throw new CodebaseError(
      CodebaseErrorCode.BinaryFile,
      `"${path}" is a binary file (NUL byte at offset ${nul}); code.read reads text only`,
    );
  }
  return 'utf-8';
}

/** Bytes a piece of decoded text took in the file's encoding. */
export function encodedLength(text: string, encoding: TextEncoding): number {
  return encoding === 'utf-8' ? Buffer.byteLength(text, 'utf8') : text.length * 2;
}

/**
 * The longest prefix of `text` that fits in `budget` bytes of the file's encoding,
 * never splitting a character (a UTF-8 sequence or a UTF-16 surrogate pair).
 */
export function prefixWithin(text: string, budget: number, encoding: TextEncoding): string {
  if (encoding !== 'utf-8') {
    let units = Math.floor(budget / 2);
    const last = text.charCodeAt(units - 1);
    if (units > 0 && last >= 0xd800 && last <= 0xdbff) units -= 1;
    return text.slice(0, units);
  }
  const bytes = Buffer.from(text, 'utf8');
  let end = Math.min(budget, bytes.length);
  while (end > 0 && end < bytes.length && (bytes[end] & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}
