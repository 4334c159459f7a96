/**
 * The key a query is cached under: lower case, curly quotes made straight, whitespace
 * collapsed (also inside quotes), and an unpaired double quote dropped. "Rust  async"
 * and “rust async” are the same question, asked once.
 */
export function normalizeQuery(query: string): string {
  let q = query
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2018\u2019\u201a\u201b\u2032]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
  if ((q.match(/"/g) ?? []).length % 2 === 1) q = q.replace(/"(?![^"]*")/, '');
  return q.replace(/"\s*([^"]*?)\s*"/g, '"$1"');
}
