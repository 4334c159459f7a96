/**
 * A site-absolute path made only of characters the URL parser leaves as they are, with an
 * optional plain query: `/docs/intro`, `/p/3?page=2`. Such an href resolves to the base's
 * origin followed by itself, so it needs no parse. Dot segments (`/a/../b`) are ruled out
 * separately; `//host` (scheme-relative) cannot match.
 */
const VERBATIM_PATH = /^\/(?!\/)[\w\-.~/!$'()*+,;:@]*(?:\?[\w\-.~/!$()*+,;:@=&]*)?$/;
const DOT_SEGMENT = /\/\.{1,2}(?:[/?]|$)/;
const ABSOLUTE_HTTP = /^https?:\/\//i;

/**
 * Turns the hrefs of one page into absolute http(s) URLs without fragments, as
 * `new URL(href, base)` would, but without parsing twice (the base again for every link)
 * or setting `hash` (a re-serialisation): pages repeat the same few kinds of link, and
 * this runs for each of them on every fetch.
 */
export class LinkResolver {
  private readonly base: string;
  private origin: string | undefined;

  /** `base` as a URL when the caller has one: its origin then costs no parse. */
  constructor(base: string | URL) {
    this.base = typeof base === 'string' ? base : base.href;
    if (typeof base !== 'string') this.origin = httpOrigin(base);
  }

  /**
   * After `resolve`, a short key that is equal for two resolved links exactly when they
   * are the same URL: the path for a link on the base's origin, the URL itself otherwise.
   * Deduplicating on it hashes a short string that is already whole, where the joined-up
   * URL would first have to be copied into one piece.
   */
  key = '';

  /** The absolute URL of `href`, or undefined when it is not an http(s) link. */
  resolve(href: string): string | undefined {
    const trimmed = href.trim();
    const hash = trimmed.indexOf('#');
    const path = hash === -1 ? trimmed : trimmed.slice(0, hash);
    if (path.charCodeAt(0) === 47 /* / */ && VERBATIM_PATH.test(path) && !DOT_SEGMENT.test(path)) {
      const origin = this.baseOrigin();
      if (origin) {
        this.key = path;
        return origin + path;
      }
    }
    const url = ABSOLUTE_HTTP.test(trimmed) ? URL.parse(trimmed) : URL.parse(trimmed, this.base);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
    // The first `#` of a serialised URL starts its fragment: elsewhere it is escaped.
    const { href: absolute } = url;
    const fragment = absolute.indexOf('#');
    const link = fragment === -1 ? absolute : absolute.slice(0, fragment);
    const origin = this.baseOrigin();
    const local = origin && link.startsWith(origin) && link.charCodeAt(origin.length) === 47;
    this.key = local ? link.slice(origin.length) : link;
    return link;
  }

  private baseOrigin(): string | undefined {
    this.origin ??= httpOrigin(URL.parse(this.base));
    return this.origin || undefined;
  }
}

/** The origin of an http(s) URL; empty for anything else, where no shortcut applies. */
function httpOrigin(url: URL | null): string {
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url.origin : '';
}
