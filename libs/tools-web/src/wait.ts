import { setTimeout as sleep } from 'node:timers/promises';
import { WebError, WebErrorCode } from './errors';

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
