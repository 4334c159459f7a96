import { readFileSync } from 'node:fs';
import { familyOf } from '@fanout/contracts';
import type { AttemptInterceptor } from './interceptors/attempt-interceptor';

/** Bytes read and written so far, by one counter. */
export interface ByteTotals {
  readBytes: number;
  writeBytes: number;
}

/** Bytes per second each way over a window: what a load snapshot carries. */
export interface ByteRates {
  readBytesPerSec: number;
  writeBytesPerSec: number;
}

/**
 * Storage bytes from the text of `/proc/<pid>/io`: `read_bytes` and `write_bytes`, what
 * the process made the block layer fetch and write (not `rchar`/`wchar`, which count
 * sockets and the page cache too). Undefined when the text lacks them.
 */
export function parseProcIo(text: string): ByteTotals | undefined {
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s*(\\d+)$`, 'm').exec(text);
    return match ? Number(match[1]) : undefined;
  };
  const readBytes = field('read_bytes');
  const writeBytes = field('write_bytes');
  return readBytes === undefined || writeBytes === undefined
    ? undefined
    : { readBytes, writeBytes };
}

/** This process's storage bytes so far, or undefined where `/proc/self/io` cannot be read. */
export function readProcessIo(path = '/proc/self/io'): ByteTotals | undefined {
  try {
    return parseProcIo(readFileSync(path, 'utf8'));
  } catch {
    return undefined; // not Linux, or hidden from this process
  }
}

/** Turns a counter of totals into rates between one sample and the next. */
export class RateMeter {
  private last: { totals: ByteTotals; at: number } | undefined;

  constructor(private readonly read: () => ByteTotals | undefined) {
    const totals = read();
    if (totals) this.last = { totals, at: performance.now() };
  }

  /** The rates since the previous sample; undefined while the counter cannot be read. */
  sample(now = performance.now()): ByteRates | undefined {
    const totals = this.read();
    if (!totals) return undefined;
    const last = this.last ?? { totals, at: now };
    this.last = { totals, at: now };
    const seconds = Math.max(0.001, (now - last.at) / 1_000);
    const rate = (bytes: number) => Math.max(0, Math.round(bytes / seconds));
    return {
      readBytesPerSec: rate(totals.readBytes - last.totals.readBytes),
      writeBytesPerSec: rate(totals.writeBytes - last.totals.writeBytes),
    };
  }
}

/**
 * The network bytes this worker's tools say they moved: a web tool's result that counts
 * the bytes it received (`web.fetch`'s `bytes`) adds them. Counted as results come back,
 * so a long download shows when it ends, not while it runs.
 */
export class NetworkBytes {
  private received = 0;

  totals(): ByteTotals {
    return { readBytes: this.received, writeBytes: 0 };
  }

  interceptor(): AttemptInterceptor {
    return async ({ tool }, next) => {
      const end = await next();
      const outcome = end.outcome;
      if (familyOf(tool) !== 'web' || outcome?.kind !== 'succeeded' || !('result' in outcome))
        return end;
      const bytes = (outcome.result as { bytes?: unknown } | undefined)?.bytes;
      if (typeof bytes === 'number' && bytes > 0) this.received += bytes;
      return end;
    };
  }
}
