import { goalTermsOf, termsOf } from './terms';

/** How much of a page's text the answer carries: what the master checks quotes against. */
export const PAGE_TEXT_CHARS = 20_000;

/** Passages shorter than this say too little to stand as evidence. */
const MIN_PASSAGE = 40;
/** A quote longer than this is cut to the window around its first goal term. */
const MAX_PASSAGE = 400;

/** The first `PAGE_TEXT_CHARS` of a text, never splitting a surrogate pair. */
export function boundedText(text: string): string {
  if (text.length <= PAGE_TEXT_CHARS) return text;
  const end = /[\uD800-\uDBFF]/.test(text.charAt(PAGE_TEXT_CHARS - 1))
    ? PAGE_TEXT_CHARS - 1
    : PAGE_TEXT_CHARS;
  return text.slice(0, end);
}

/** A passage of a text and the goal terms it holds. */
interface Passage {
  quote: string;
  terms: number;
  at: number;
}

/** A long passage cut to `MAX_PASSAGE` characters around its first goal term, at spaces. */
function window(passage: string, terms: readonly string[]): string {
  if (passage.length <= MAX_PASSAGE) return passage;
  const lower = passage.toLowerCase();
  const hit = Math.min(...terms.map((term) => lower.indexOf(term)).filter((at) => at >= 0));
  let start = Math.max(0, hit - MAX_PASSAGE / 4);
  start = start === 0 ? 0 : passage.indexOf(' ', start) + 1;
  let end = Math.min(passage.length, start + MAX_PASSAGE);
  const space = passage.lastIndexOf(' ', end);
  if (end < passage.length && space > start) end = space;
  return passage.slice(start, end).trim();
}

/**
 * The passages of `text` that hold the most goal terms, best first (ties: earlier first):
 * sentences and lines of the text exactly as it has them, so every quote can be found in
 * the page again.
 */
export function quotesFor(text: string, goal: string, max = 2): string[] {
  const wanted = goalTermsOf(goal);
  if (wanted.length === 0) return [];
  const passages: Passage[] = [];
  const sentence = /[^.!?\n]+[.!?]?/g;
  for (const match of text.matchAll(sentence)) {
    const raw = match[0].trim();
    if (raw.length < MIN_PASSAGE) continue;
    const present = new Set(termsOf(raw));
    const held = wanted.filter((term) => present.has(term));
    if (held.length === 0) continue;
    passages.push({ quote: window(raw, held), terms: held.length, at: match.index });
  }
  return passages
    .sort((a, b) => b.terms - a.terms || a.at - b.at)
    .slice(0, max)
    .map(({ quote }) => quote);
}
