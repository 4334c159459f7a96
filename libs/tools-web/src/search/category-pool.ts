import { mayTakeSlot, owedSlots, reservedSlots, type ShareBook } from '@fanout/contracts';
import { WebError, WebErrorCode } from '../errors';

/** The bucket of a search that names no category. */
export const UNCATEGORISED = 'general';

/**
 * Default shares of the search pool per query category: of 32 instances, primary
 * research 8, technical documentation 6, code examples, API documentation and
 * framework-specific 4 each, performance 3, security 2, community 1; a search with no
 * category is guaranteed one slot. A share is a guarantee, not a fence: a category
 * borrows the slots others leave idle, so a flood of one kind of query uses the whole
 * pool until the others ask, and then cannot starve them.
 */
export const DEFAULT_CATEGORY_SHARES: Readonly<Record<string, number>> = {
  'primary-research': 8 / 32,
  'technical-documentation': 6 / 32,
  'code-examples': 4 / 32,
  'api-documentation': 4 / 32,
  'framework-specific': 4 / 32,
  performance: 3 / 32,
  security: 2 / 32,
  community: 1 / 32,
  [UNCATEGORISED]: 1 / 32,
};

interface Waiter {
  category: string;
  wake: () => void;
}

/**
 * Concurrency slots shared by categories by the contracts' guarantee-and-borrow rule
 * (`mayTakeSlot`, the rule a worker's pools follow too): each category is guaranteed its
 * share of the capacity (at least one slot) and may borrow slots no waiting category is
 * owed. Borrowed slots come back as their calls end (no pre-emption); a freed slot goes
 * to the longest waiter that may take it, which is one waiting below its guarantee when
 * there is one.
 */
export class CategoryPool {
  private readonly guaranteed = new Map<string, number>();
  private readonly inUse = new Map<string, number>();
  private readonly waiting: Waiter[] = [];
  private total = 0;

  constructor(
    private readonly capacity: number,
    shares: Readonly<Record<string, number>> = DEFAULT_CATEGORY_SHARES,
  ) {
    for (const [category, share] of Object.entries(shares)) {
      this.guaranteed.set(category, reservedSlots(share, capacity));
    }
  }

  /** Slots `category` is guaranteed (at least one, whatever its share). */
  guarantee(category: string): number {
    return this.guaranteed.get(category) ?? 1;
  }

  /** Slots in use by `category` now. */
  used(category: string): number {
    return this.inUse.get(category) ?? 0;
  }

  /** Runs `task` in a slot of `category`, waiting for one if needed. */
  async run<T>(category: string, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    await this.acquire(category, signal);
    try {
      return await task();
    } finally {
      this.release(category);
    }
  }

  private readonly book: ShareBook = {
    reserved: (category) => this.guarantee(category ?? UNCATEGORISED),
    running: (category) => this.used(category ?? UNCATEGORISED),
  };

  /** Whether a call of `category` may take a slot now, by the guarantee-and-borrow rule. */
  private mayTake(category: string, free = this.capacity - this.total): boolean {
    const owed = owedSlots(
      this.waiting.map((waiter) => waiter.category),
      this.book,
    );
    return mayTakeSlot(category, free, owed, this.book);
  }

  private acquire(category: string, signal: AbortSignal): Promise<void> {
    if (this.mayTake(category)) {
      this.take(category);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        category,
        wake: () => {
          signal.removeEventListener('abort', onAbort);
          this.take(category);
          resolve();
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(new WebError(WebErrorCode.Cancelled, 'waiting for a search slot was cancelled'));
      };
      this.waiting.push(waiter);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(category: string): void {
    this.total += 1;
    this.inUse.set(category, this.used(category) + 1);
  }

  private release(category: string): void {
    this.total -= 1;
    this.inUse.set(category, this.used(category) - 1);
    if (this.waiting.length === 0) return;
    let index = this.waiting.findIndex((w) => this.mayTake(w.category));
    if (index === -1) index = 0;
    const [next] = this.waiting.splice(index, 1);
    next?.wake();
  }
}
