import { WebError, WebErrorCode } from '../errors';

interface HostState {
  active: number;
  waiting: (() => void)[];
  nextStartAt: number;
}

/**
 * Per-host politeness: at most `concurrency` requests in flight to one host, and starts
 * spaced at least `delayMs` apart (or the robots `Crawl-delay`, when larger), so a batch
 * of fetches to one site never hammers it however wide the pool is.
 */
export class HostLimiter {
  private readonly hosts = new Map<string, HostState>();

  constructor(
    private readonly concurrency: number,
    private readonly delayMs: number,
  ) {}

  /** Waits for a slot on `host`; returns the release. Rejects with `CANCELLED` on abort. */
  async acquire(host: string, signal: AbortSignal, delayMs = this.delayMs): Promise<() => void> {
    const state = this.state(host);
    if (state.active >= this.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          state.waiting.splice(state.waiting.indexOf(wake), 1);
          reject(new WebError(WebErrorCode.Cancelled, `waiting for ${host} was cancelled`));
        };
        state.waiting.push(wake);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    } else state.active += 1;
    const now = Date.now();
    const startAt = Math.max(now, state.nextStartAt);
    state.nextStartAt = startAt + Math.max(delayMs, this.delayMs);
    if (startAt > now) {
      try {
        await abortableSleep(startAt - now, signal);
      } catch (error) {
        this.release(host, state);
        throw error;
      }
    }
    let released = false;
    return () => {
      if (!released) this.release(host, state);
      released = true;
    };
  }

  private state(host: string): HostState {
    let state = this.hosts.get(host);
    if (!state) this.hosts.set(host, (state = { active: 0, waiting: [], nextStartAt: 0 }));
    return state;
  }

  private release(host: string, state: HostState): void {
    const next = state.waiting.shift();
    if (next) return next(); // the slot passes straight to the next waiter
    state.active -= 1;
    if (state.active === 0 && state.nextStartAt <= Date.now()) this.hosts.delete(host);
  }
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new WebError(WebErrorCode.Cancelled, 'politeness wait was cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
