import { waitTurn } from '../wait';

/**
 * Per-provider rate limits: calls to one provider start at least `1000 / rate` ms apart,
 * and a provider that answered 429 with `Retry-After` gets nothing more until then, from
 * any task of this worker — not only from the retry of the task that was refused. A
 * provider with no rate is held only by its `Retry-After`.
 */
export class ProviderPacer {
  private readonly nextAt = new Map<string, number>();

  /** @param rates requests per second, by provider name */
  constructor(private readonly rates: Readonly<Record<string, number>> = {}) {
    for (const [name, rate] of Object.entries(rates)) {
      if (!(rate > 0)) throw new Error(`the rate of search provider ${name} must be above 0`);
    }
  }

  /** Waits for `provider`'s next turn (at once when it is due) and books the one after. */
  turn(provider: string, signal: AbortSignal): Promise<void> | undefined {
    const now = Date.now();
    const rate = this.rates[provider];
    const due = Math.max(now, this.nextAt.get(provider) ?? 0);
    if (rate !== undefined) this.nextAt.set(provider, due + 1000 / rate);
    return due > now ? waitTurn(due - now, signal, `waiting for ${provider}'s turn`) : undefined;
  }

  /** No call to `provider` before `ms` from now (its `Retry-After`). */
  hold(provider: string, ms: number): void {
    const until = Date.now() + ms;
    if (until > (this.nextAt.get(provider) ?? 0)) this.nextAt.set(provider, until);
  }
}
