/**
 * The one backoff every retry at the edge uses: a connection coming back, a pull or a
 * report the bus refused, a barrier whose waiter is not there yet. (The engine keeps its
 * own, in libs/workflow: a replay must decide the same retry times, so its jitter is
 * derived from the task, not drawn.)
 */

/** How the pauses grow: doubling from `firstMs` to at most `maxMs`. */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
  /**
   * `equal`: a pause is drawn between half the ceiling and the ceiling, so processes that
   * met the same failure do not all come back at the same instant; `none`: the ceiling.
   */
  jitter: 'equal' | 'none';
}

/** The policies in use, by what they retry; a newcomer looking for a retry's pace looks here. */
export const BACKOFF = {
  /** A lost connection to NATS: a service never gives up. */
  reconnect: { firstMs: 250, maxMs: 10_000, jitter: 'equal' },
  /** A worker's report the bus did not take: retried as long as the worker runs. */
  report: { firstMs: 100, maxMs: 5_000, jitter: 'equal' },
  /** Streams another service makes (the orchestrator) that are not there yet. */
  topology: { firstMs: 250, maxMs: 5_000, jitter: 'equal' },
  /** A failed pull of one priority level: one consumer per level, so no herd to spread. */
  pull: { firstMs: 250, maxMs: 5_000, jitter: 'none' },
  /** A barrier participant whose waiter has not subscribed yet. */
  barrier: { firstMs: 50, maxMs: 1_000, jitter: 'none' },
} as const satisfies Record<string, BackoffPolicy>;

/** The pause before retry `attempt` (from 0). */
export function backoffDelay(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  // The exponent is capped so that 2 ** attempt never overflows to Infinity.
  const ceiling = Math.min(policy.maxMs, policy.firstMs * 2 ** Math.min(attempt, 30));
  if (policy.jitter === 'none') return ceiling;
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Counts attempts so the pause grows, and starts over once the retried thing succeeds. */
export class Backoff {
  private attempt = 0;
  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {}
  /** The pause before the next attempt. */
  next(): number {
    return backoffDelay(this.policy, this.attempt++, this.random);
  }
  reset(): void {
    this.attempt = 0;
  }
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal?.reason);
    }
    signal?.addEventListener('abort', aborted, { once: true });
  });
}
