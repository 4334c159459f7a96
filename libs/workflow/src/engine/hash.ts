/**
 * FNV-1a of a string, as an unsigned 32-bit number: where the engine needs something that
 * looks random but must come out the same on every replay (retry jitter, long ids).
 */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
