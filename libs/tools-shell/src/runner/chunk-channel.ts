/**
 * Items pushed by a callback (a spawner's output handler) and read by an async loop (the
 * generator that streams them), in order: a queue and a way to wake the reader. Reading
 * ends, after what is queued, once the channel is closed.
 */
export class ChunkChannel<T> implements AsyncIterable<T> {
  private readonly queue: T[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  push(item: T): void {
    this.queue.push(item);
    this.notify();
  }

  /** No more items will come. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, void> {
    for (;;) {
      for (let item = this.queue.shift(); item !== undefined; item = this.queue.shift()) yield item;
      if (this.closed) return;
      await new Promise<void>((resolve) => {
        if (this.queue.length > 0 || this.closed) resolve();
        else this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const resume = this.wake;
    this.wake = undefined;
    resume?.();
  }
}
