/**
 * A token bucket of bytes: the byte rate all the fetches of a worker share. Tokens come
 * at `bytesPerSec` up to `burstBytes`; a read draws the bytes it got, which may take the
 * bucket below zero (the bytes have arrived already), and is told how long to pause so
 * that the debt is paid before it reads again. So every body read, however large its
 * chunk, stays within `burstBytes + bytesPerSec × elapsed`, whatever the number of
 * fetches drawing at once.
 */
export class ByteBucket {
  /** Bytes drawn in all. */
  granted = 0;
  /** Draws that were told to pause. */
  waits = 0;
  private tokens: number;
  private last: number;

  constructor(
    readonly bytesPerSec: number,
    readonly burstBytes = defaultBurst(bytesPerSec),
    /** Milliseconds on some monotonic clock; tests bring their own. */
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(bytesPerSec > 0)) throw new RangeError(`a byte rate must be above 0, got ${bytesPerSec}`);
    this.tokens = burstBytes;
    this.last = now();
  }

  /** Draws `bytes` just read; returns how many milliseconds to pause before reading more. */
  take(bytes: number): number {
    const now = this.now();
    this.tokens = Math.min(
      this.burstBytes,
      this.tokens + ((now - this.last) * this.bytesPerSec) / 1000,
    );
    this.last = now;
    this.tokens -= bytes;
    this.granted += bytes;
    if (this.tokens >= 0) return 0;
    this.waits += 1;
    return Math.ceil((-this.tokens * 1000) / this.bytesPerSec);
  }
}

/** A quarter of a second's bytes, and no less than 16 KiB: a burst that smooths chunking. */
function defaultBurst(bytesPerSec: number): number {
  return Math.max(16 * 1024, Math.floor(bytesPerSec / 4));
}
