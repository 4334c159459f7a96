import { describe, expect, it } from 'vitest';
import {
  NetworkBytes,
  parseProcIo,
  RateMeter,
  readProcessIo,
  type ByteTotals,
} from './byte-meters';

describe('storage bytes from /proc/self/io', () => {
  it('reads read_bytes and write_bytes, not rchar and wchar', () => {
    const text =
      'rchar: 900\nwchar: 800\nsyscr: 3\nsyscw: 2\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n';
    expect(parseProcIo(text)).toEqual({ readBytes: 4096, writeBytes: 8192 });
  });

  it('is undefined for a text without them, or a file that is not there', () => {
    expect(parseProcIo('rchar: 1\n')).toBeUndefined();
    expect(readProcessIo('/nonexistent/io')).toBeUndefined();
  });

  it("reads this process's own counters on Linux", () => {
    if (process.platform !== 'linux') return;
    expect(readProcessIo()).toEqual({
      readBytes: expect.any(Number),
      writeBytes: expect.any(Number),
    });
  });
});

describe('rates between samples', () => {
  it('divides the bytes since the last sample by the seconds between them', () => {
    let totals: ByteTotals = { readBytes: 1_000, writeBytes: 0 };
    const meter = new RateMeter(() => totals);
    totals = { readBytes: 5_000, writeBytes: 2_000 };
    const first = meter.sample(performance.now() + 2_000);
    expect(first?.readBytesPerSec).toBeGreaterThan(0);
    totals = { readBytes: 5_000, writeBytes: 2_000 };
    const at = performance.now() + 10_000;
    meter.sample(at);
    totals = { readBytes: 9_000, writeBytes: 3_000 };
    expect(meter.sample(at + 2_000)).toEqual({ readBytesPerSec: 2_000, writeBytesPerSec: 500 });
  });

  it('is undefined while its counter cannot be read', () => {
    expect(new RateMeter(() => undefined).sample()).toBeUndefined();
  });
});

describe('network bytes the tools counted', () => {
  const ended = (tool: string, result: unknown) => ({
    disposition: 'acked' as const,
    outcome: { kind: 'succeeded' as const, result, durationMs: 5 },
  });

  it("adds a web tool's bytes received, and nothing of other tools or failures", async () => {
    const network = new NetworkBytes();
    const intercept = network.interceptor();
    const run = (tool: string, end: unknown) =>
      intercept({ tool } as never, async () => end as never);
    await run('web.fetch', ended('web.fetch', { bytes: 3_000 }));
    await run('web.fetch', ended('web.fetch', { bytes: 500 }));
    await run('code.read', ended('code.read', { bytes: 9_999 }));
    await run('web.fetch', {
      disposition: 'acked',
      outcome: {
        kind: 'failed',
        error: { code: 'X', message: 'x', retryable: false },
        durationMs: 1,
      },
    });
    expect(network.totals()).toEqual({ readBytes: 3_500, writeBytes: 0 });
  });
});
