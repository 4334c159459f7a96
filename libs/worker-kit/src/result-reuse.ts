import { createHash } from 'node:crypto';
import { canonicalJson, type ToolCache } from '@fanout/contracts';
import type { CachedResult } from '@fanout/messaging';
import type { WorkerLogger } from './worker-options';

/** Where results are kept for reuse by every worker; a `ToolResultCache` fits. */
export interface ResultStore {
  get(tool: string, digest: string): Promise<CachedResult | undefined>;
  put(tool: string, digest: string, cached: CachedResult): Promise<void>;
}

/** A run streaming more items than this is not kept: replaying it would cost as much. */
const MAX_KEPT_ITEMS = 10_000;

/**
 * The digest equal calls share: SHA-256 of the tool's key of the input, as JSON with
 * object keys sorted, so the order a caller wrote the fields in does not matter.
 */
export function callDigest(cache: ToolCache, input: unknown): string {
  return createHash('sha256')
    .update(canonicalJson(cache.key(input)) ?? '')
    .digest('hex');
}

/**
 * Reuse of one tool's results (`ToolContract.cache`) for one call: finds a result an
 * equal call left that is still young enough, or records what this run streams so the
 * result can be kept. The store is an optimisation, never a reason to fail: a store that
 * cannot be read is a miss, one that refuses a result keeps nothing.
 */
export class ResultReuse {
  private readonly digest: string;
  private items: unknown[] | undefined = [];

  constructor(
    private readonly tool: string,
    private readonly cache: ToolCache,
    private readonly store: ResultStore,
    private readonly logger: WorkerLogger,
    input: unknown,
  ) {
    this.digest = callDigest(cache, input);
  }

  /** A result an equal call left within the tool's age limit, if any. */
  async find(now = Date.now()): Promise<CachedResult | undefined> {
    try {
      const found = await this.store.get(this.tool, this.digest);
      return found && now - found.storedAt <= this.cache.maxAgeMs ? found : undefined;
    } catch (error) {
      this.logger.warn(`reading kept results of ${this.tool} failed: ${String(error)}`);
      return undefined;
    }
  }

  /** Notes items this run streamed, to replay them with the result. */
  saw(items: readonly unknown[]): void {
    if (!this.items) return;
    if (this.items.length + items.length > MAX_KEPT_ITEMS) this.items = undefined;
    else this.items.push(...items);
  }

  /** Keeps this run's result for equal calls, unless it streamed too much to be worth it. */
  async keep(result: unknown, now = Date.now()): Promise<void> {
    if (!this.items) return;
    try {
      await this.store.put(this.tool, this.digest, { storedAt: now, result, items: this.items });
    } catch (error) {
      this.logger.warn(`keeping a result of ${this.tool} for reuse failed: ${String(error)}`);
    }
  }
}
