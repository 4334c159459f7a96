import { canonicalUrl } from '@fanout/tools-web';
import { fails, HOLDS, quoted, type UrlClaim, type Verdict } from './verdict';

/** Text compared without regard to how it is spaced or broken into lines. */
const spacedAlike = (text: string): string => text.replace(/\s+/g, ' ').trim();

/**
 * Checks `url` claims against the pages fetched: the URL is among them — compared in
 * web.search's canonical form (case of the host, default port, fragment, tracking
 * parameters do not matter) — and, when `quote` is given, the page's text contains it,
 * whitespace aside. A URL fetched twice holds when either copy has the quote.
 */
export function checkUrls(
  fetched: ReadonlyArray<{ url: string; text?: string | undefined }>,
  claims: readonly UrlClaim[],
): Verdict[] {
  const pages = new Map<string, Array<string | undefined>>();
  for (const page of fetched) {
    const url = canonicalUrl(page.url);
    if (url !== undefined) pages.set(url, [...(pages.get(url) ?? []), page.text]);
  }
  // A page is respaced once, however many claims quote it.
  const respaced = new Map<string, string>();
  const alike = (text: string): string => {
    let spaced = respaced.get(text);
    if (spaced === undefined) respaced.set(text, (spaced = spacedAlike(text)));
    return spaced;
  };

  return claims.map((claim) => {
    const url = canonicalUrl(claim.url);
    if (url === undefined) return fails(`${quoted(claim.url)} is not an http(s) URL`);
    const texts = pages.get(url);
    if (!texts) {
      return fails(`${quoted(claim.url)} is not among the ${pages.size} pages fetched`);
    }
    if (claim.quote === undefined) return HOLDS;
    const known = texts.filter((text) => text !== undefined);
    if (known.length === 0) {
      return fails(
        `${quoted(claim.url)} was fetched without its text: the quote cannot be checked`,
      );
    }
    const quote = spacedAlike(claim.quote);
    if (known.some((text) => alike(text).includes(quote))) return HOLDS;
    return fails(`the page ${quoted(claim.url)} does not contain ${quoted(claim.quote)}`);
  });
}
