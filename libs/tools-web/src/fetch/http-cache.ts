import { Lru } from './lru';

/** A stored response that can be revalidated with its validators. */
export interface CachedResponse {
  status: number;
  contentType: string;
  body: Buffer;
  etag?: string;
  lastModified?: string;
}

/**
 * A small in-memory HTTP cache for revalidation only: responses with an `ETag` or
 * `Last-Modified` are kept (bounded by entries and by bytes per entry), the next fetch
 * of the URL sends `If-None-Match`/`If-Modified-Since`, and a 304 serves the stored body.
 * A re-fetch of an unchanged page then costs the site a header, not the page.
 */
export class HttpCache {
  private readonly entries: Lru<CachedResponse>;

  constructor(
    maxEntries = 256,
    private readonly maxEntryBytes = 1_048_576,
  ) {
    this.entries = new Lru(maxEntries);
  }

  /** The stored response for `url`, to revalidate. */
  get(url: string): CachedResponse | undefined {
    return this.entries.get(url);
  }

  /** The conditional request headers that revalidate `entry`. */
  static validators(entry: CachedResponse): Record<string, string> {
    const headers: Record<string, string> = {};
    if (entry.etag) headers['if-none-match'] = entry.etag;
    if (entry.lastModified) headers['if-modified-since'] = entry.lastModified;
    return headers;
  }

  /** Keeps a complete 200 response that carries a validator and allows storing. */
  store(url: string, response: CachedResponse, cacheControl: string | undefined): void {
    if (response.status !== 200 || response.body.length > this.maxEntryBytes) return;
    if (!response.etag && !response.lastModified) return;
    if (cacheControl && /no-store/i.test(cacheControl)) return;
    // A copy: the body read may be a view into a larger network buffer, not worth keeping.
    this.entries.set(url, { ...response, body: Buffer.from(response.body) });
  }
}
