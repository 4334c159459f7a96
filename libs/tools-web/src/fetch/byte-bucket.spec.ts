import { describe, expect, it } from 'vitest';
import { ByteBucket } from './byte-bucket';

/** A clock that moves only when told. */
function manualClock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

describe('the byte bucket', () => {
  it('grants its burst at once, then asks each read to pause until its debt is paid', () => {
    const clock = manualClock();
    const bucket = new ByteBucket(1_000, 500, clock.now);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(250)).toBe(250);
    clock.advance(250);
    expect(bucket.take(1_000)).toBe(1_000);
    expect(bucket).toMatchObject({ granted: 1_750, waits: 2 });
  });

  it('keeps no more than its burst however long it idles', () => {
    const clock = manualClock();
    const bucket = new ByteBucket(1_000, 500, clock.now);
    clock.advance(60_000);
    expect(bucket.take(500)).toBe(0);
    expect(bucket.take(1)).toBeGreaterThan(0);
  });

  it('holds four readers drawing at once to the rate: 4 × 200 KB at 200 KB/s is 4 s of its clock, less the burst', () => {
    const clock = manualClock();
    const rate = 200_000;
    const bucket = new ByteBucket(rate, undefined, clock.now);
    const chunk = 16_384;
    // Each reader reads a chunk when its pause is over; the clock jumps to the next read.
    const readers = Array.from({ length: 4 }, () => ({ left: 200_000, at: 0 }));
    for (;;) {
      const next = readers.filter((r) => r.left > 0).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      clock.advance(Math.max(0, next.at - clock.now()));
      // Every read happens within what the bucket has given by now, but for the chunk
      // each other reader may have read while this one waited.
      expect(bucket.granted).toBeLessThanOrEqual(
        bucket.burstBytes + (rate * clock.now()) / 1000 + (readers.length - 1) * chunk,
      );
      const bytes = Math.min(chunk, next.left);
      next.left -= bytes;
      next.at = clock.now() + bucket.take(bytes);
    }
    expect(bucket.granted).toBe(800_000);
    const lastReadAt = clock.now();
    expect(lastReadAt).toBeGreaterThanOrEqual(
      ((800_000 - bucket.burstBytes - readers.length * chunk) * 1000) / rate,
    );
    expect(bucket.waits).toBeGreaterThan(40);
  });

  it('refuses a rate that is not above 0', () => {
    expect(() => new ByteBucket(0)).toThrow('a byte rate must be above 0, got 0');
  });
});
