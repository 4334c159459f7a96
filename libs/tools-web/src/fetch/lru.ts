/**
 * A small bounded map that forgets the least recently used entry first, with an
 * optional time to live: what the robots, HTTP and search caches share so none of them
 * grows without bound in a long-lived worker.
 */
export class Lru<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number; stamp: number }>();
  /** Counts insertions; an entry's `stamp` says when it was last put at the young end. */
  private clock = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs = Number.POSITIVE_INFINITY,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The live value under `key`. A hit is moved to the young end only when it has aged
   * past half the bound: moving on every hit (a delete and an insert) made a hot key, such
   * as a host asked about on every fetch, cost more than the lookup, and an entry in the
   * younger half is in no danger of eviction yet.
   */
  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    if (this.clock - entry.stamp > this.maxEntries / 2) {
      this.entries.delete(key);
      entry.stamp = ++this.clock;
      this.entries.set(key, entry);
    }
    return entry.value;
  }

  /** Stores `value`, evicting the oldest entries past the bound. */
  set(key: string, value: V, ttlMs = this.ttlMs): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs, stamp: ++this.clock });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Forgets `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
