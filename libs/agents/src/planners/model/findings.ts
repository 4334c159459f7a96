import type { Evidence, Finding } from '@fanout/contracts';
import { canonicalUrl } from '@fanout/tools-web';
import { quotesFor } from '../web/evidence';
import type { SeenEvidence } from './seen-evidence';

const URL_CITED = /https?:\/\/[^\s<>"'`)\]]+/g;
const LINE_CITED = /([\w@./-]*[\w-]\.[\w]+):(\d+)/g;

/** A cited URL without the punctuation that ends the sentence around it. */
const trimUrl = (url: string): string => url.replace(/[.,;:!?]+$/, '');

/** The evidence a sentence cites that the tools really showed: fetched pages, lines read. */
function evidenceIn(sentence: string, seen: SeenEvidence): Evidence[] {
  const evidence: Evidence[] = [];
  const claim = sentence.replace(URL_CITED, ' ');
  for (const [cited] of sentence.matchAll(URL_CITED)) {
    const url = canonicalUrl(trimUrl(cited));
    const page = url === undefined ? undefined : seen.pages.get(url);
    // The passage of the page closest to what the sentence says; none: no evidence.
    const [quote] = page ? quotesFor(page.text, claim, 1) : [];
    if (page && quote) evidence.push({ url: page.url, quote });
  }
  for (const [, path = '', line = ''] of claim.matchAll(LINE_CITED)) {
    const text = seen.lines.get(`${path}:${line}`);
    if (text !== undefined) evidence.push({ path, line: Number(line), text });
  }
  return evidence;
}

/**
 * The findings of a model's final text: each sentence or list item that cites a page the
 * tools fetched or a line they showed, with that evidence; a citation of anything the
 * tools did not show is dropped, never invented.
 */
export function findingsIn(text: string, specialist: string, seen: SeenEvidence): Finding[] {
  return text
    .split(/\n+|(?<=[.!?])\s+(?=[A-Z*-])/)
    .map((part) => part.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .flatMap((claim) => {
      if (!claim) return [];
      const evidence = evidenceIn(claim, seen);
      return evidence.length > 0 ? [{ specialist, claim, evidence }] : [];
    });
}
