import { monitorEventLoopDelay, type ELDHistogram } from 'node:perf_hooks';
import { RateMeter, readProcessIo, type ByteRates } from './byte-meters';

/** The process-wide part of a `LoadSnapshot`. */
export interface ProcessLoad {
  cpuPercent: number;
  rssBytes: number;
  eventLoopDelayMs: { p50: number; p99: number };
  /** Storage bytes per second, where the kernel tells (`/proc/self/io`). */
  io?: ByteRates;
}

/**
 * Measures this process between two samples: CPU time over wall time (100 = one core
 * busy), resident memory, event-loop delay percentiles, and storage bytes per second. The delay is what tells an
 * allocator that a worker is saturated even when its slots are not all busy (a tool that
 * blocks the loop slows every other slot).
 */
export class LoadSampler {
  private readonly histogram: ELDHistogram;
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private readonly io = new RateMeter(() => readProcessIo());

  constructor() {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
  }

  /** The load since the previous sample (or since construction). */
  sample(): ProcessLoad {
    const cpu = process.cpuUsage(this.lastCpu);
    const now = performance.now();
    const wallMs = Math.max(1, now - this.lastAt);
    this.lastCpu = process.cpuUsage();
    this.lastAt = now;
    const delay = {
      p50: nanosToMs(this.histogram.percentile(50)),
      p99: nanosToMs(this.histogram.percentile(99)),
    };
    this.histogram.reset();
    const io = this.io.sample(now);
    return {
      cpuPercent: round(((cpu.user + cpu.system) / 1_000 / wallMs) * 100),
      rssBytes: process.memoryUsage.rss(),
      eventLoopDelayMs: delay,
      ...(io ? { io } : {}),
    };
  }

  stop(): void {
    this.histogram.disable();
  }
}

function nanosToMs(nanos: number): number {
  return Number.isFinite(nanos) && nanos > 0 ? round(nanos / 1e6) : 0;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
