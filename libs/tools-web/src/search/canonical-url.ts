/** Query parameters that only say where a click came from; they never change the page. */
const TRACKING = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  'mkt_tok',
  '_hsenc',
  '_hsmi',
  'ref_src',
  'ref_url',
  'spm',
  'scid',
  'vero_id',
  'oly_anon_id',
  'oly_enc_id',
]);

/**
 * The form of a result URL used to recognise duplicates: lower-case host (WHATWG URL
 * does that, and drops default ports), no fragment, no `utm_*` or click-id parameters,
 * no empty `?`. Two providers' spellings of one page compare equal; distinct pages don't.
 */
export function canonicalUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  for (const key of [...url.searchParams.keys()]) {
    if (key.toLowerCase().startsWith('utm_') || TRACKING.has(key.toLowerCase()))
      url.searchParams.delete(key);
  }
  if (url.search === '?') url.search = '';
  return url.href;
}

/** The host of a URL without `www.`, what domain filters compare against. */
export function domainOf(url: string): string {
  return new URL(url).hostname.replace(/^www\./, '');
}

/** Whether `url` is on `domain` or one of its sub-domains. */
export function onDomain(url: string, domain: string): boolean {
  const host = domainOf(url);
  const want = domain
    .trim()
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/^\*?\./, '');
  return host === want || host.endsWith(`.${want}`);
}
