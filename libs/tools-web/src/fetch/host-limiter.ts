import { WebError, WebErrorCode } from '../errors';
import { waitTurn } from '../wait';

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

  /**
   * Takes a slot on `host` and returns its release: at once when one is free and no
   * spacing is due (most fetches, and no reason to wait a turn), else a promise that
   * waits for both. Rejects with `CANCELLED` on abort.
   */
  acquire(
    host: string,
    signal: AbortSignal,
    delayMs = this.delayMs,
  ): (() => void) | Promise<() => void> {
    const state = this.state(host);
    if (state.active >= this.concurrency) return this.queue(host, state, signal, delayMs);
    state.active += 1;
    const wait = this.space(state, delayMs);
    if (wait > 0) return this.sleep(host, state, wait, signal);
    return this.releaser(host, state);
  }

  private async queue(
    host: string,
    state: HostState,
    signal: AbortSignal,
    delayMs: number,
  ): Promise<() => void> {
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
    const wait = this.space(state, delayMs);
    return wait > 0 ? this.sleep(host, state, wait, signal) : this.releaser(host, state);
  }

  /** Books the next start on the host; how long this one must wait for its turn. */
  private space(state: HostState, delayMs: number): number {
    const now = Date.now();
    const startAt = Math.max(now, state.nextStartAt);
    state.nextStartAt = startAt + Math.max(delayMs, this.delayMs);
    return startAt - now;
  }

  private async sleep(
    host: string,
    state: HostState,
    ms: number,
    signal: AbortSignal,
  ): Promise<() => void> {
    try {
      await waitTurn(ms, signal, 'politeness wait');
    } catch (error) {
      this.release(host, state);
      throw error;
    }
    return this.releaser(host, state);
  }

  private releaser(host: string, state: HostState): () => void {
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
