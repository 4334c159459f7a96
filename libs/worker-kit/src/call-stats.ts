import type { AttemptInterceptor } from './interceptors/attempt-interceptor';

/** How one tool's calls went since the last snapshot: what AIMD allocation reads. */
export interface CallWindow {
  tool: string;
  calls: number;
  p95Ms: number;
  /** Refused for being too many: `RATE_LIMITED` (an HTTP 429). */
  throttled: number;
  timeouts: number;
}

const THROTTLED = new Set(['RATE_LIMITED']);
const TIMED_OUT = new Set(['TIMEOUT']);

/**
 * The calls each tool ended since the last {@link CallStats.window}: how many, their p95
 * duration, how many were throttled or timed out. A preempted or cancelled attempt says
 * nothing of the tool's health and is left out.
 */
export class CallStats {
  private durations = new Map<string, number[]>();
  private failures = new Map<string, { throttled: number; timeouts: number }>();

  record(tool: string, durationMs: number, errorCode?: string): void {
    if (errorCode === 'PREEMPTED' || errorCode === 'CANCELLED') return;
    let durations = this.durations.get(tool);
    if (!durations) this.durations.set(tool, (durations = []));
    durations.push(durationMs);
    const failures = this.failures.get(tool) ?? { throttled: 0, timeouts: 0 };
    if (errorCode && THROTTLED.has(errorCode)) failures.throttled += 1;
    if (errorCode && TIMED_OUT.has(errorCode)) failures.timeouts += 1;
    this.failures.set(tool, failures);
  }

  /** The window so far, and a fresh one begun. */
  window(): CallWindow[] {
    const windows = [...this.durations].map(([tool, durations]) => {
      const sorted = [...durations].sort((a, b) => a - b);
      const p95 = sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? 0;
      const failures = this.failures.get(tool) ?? { throttled: 0, timeouts: 0 };
      return { tool, calls: durations.length, p95Ms: p95, ...failures };
    });
    this.durations = new Map();
    this.failures = new Map();
    return windows;
  }

  /** Records every attempt that ended here with its outcome. */
  interceptor(): AttemptInterceptor {
    return async ({ tool }, next) => {
      const end = await next();
      const { outcome } = end;
      if (end.disposition === 'acked' && outcome) {
        const code = outcome.kind === 'failed' ? outcome.error.code : undefined;
        this.record(tool, outcome.durationMs, code);
      }
      return end;
    };
  }
}
