/**
 * Several producers feeding one async iteration, in the order their items arrive: what a
 * reader of a tree of workflows needs, since each child is a stream of its own that starts
 * when its parent says so. Ends when every producer has ended (or on `stop`); a producer's
 * failure, or `fail`, ends it with that error.
 */
export class MergedFeeds<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private readonly stops: Array<() => Promise<void>> = [];
  private running = 0;
  private failure: unknown;
  private ended = false;
  private wake: (() => void) | undefined;

  /** Starts a producer; it pushes items until its promise settles. */
  add(produce: (push: (item: T) => void) => Promise<void>): void {
    if (this.ended) return;
    this.running += 1;
    produce((item) => {
      this.items.push(item);
      this.signal();
    })
      .catch((error: unknown) => this.fail(error))
      .finally(() => {
        this.running -= 1;
        this.signal();
      });
  }

  /** Registers what stops a producer's source when the iteration ends. */
  onStop(stop: () => Promise<void>): void {
    this.stops.push(stop);
  }

  /** Ends the iteration with an error. */
  fail(error: unknown): void {
    this.failure ??= error;
    this.signal();
  }

  /** Ends the iteration and stops every source. */
  async stop(): Promise<void> {
    this.ended = true;
    this.signal();
    await Promise.allSettled(this.stops.splice(0).map((stop) => stop()));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.ended || this.running === 0) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
