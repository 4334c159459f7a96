import { setTimeout as sleep } from 'node:timers/promises';
import { toWebError, WebError, WebErrorCode } from './errors';

/**
 * Waits `ms` for a turn (a host's politeness delay, a provider's rate); a cancelled task
 * stops waiting at once with `CANCELLED`, saying what it was waiting for.
 */
export async function waitTurn(ms: number, signal: AbortSignal, what: string): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new WebError(WebErrorCode.Cancelled, `${what} was cancelled`, { cause: error });
  }
}

/**
 * Waits for `promise`, work shared by several tasks, on behalf of one of them: when its
 * signal aborts, that task stops waiting at once (`CANCELLED`, or `TIMEOUT` when its
 * deadline passed) while the work goes on for the others, so no one task's cancellation
 * fails the rest.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(toWebError(undefined, signal, what));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(toWebError(undefined, signal, what));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
