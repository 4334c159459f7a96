import { ShellError, ShellErrorCode } from '../errors';
import {
  CATEGORIES,
  DEFAULT_CATEGORY_LIMITS,
  DEFAULT_POOL_SLOTS,
  isCategory,
  type Category,
} from './categories';
import type { CategoryLimiterOptions } from './limiter-options';

interface Waiter {
  category: Category;
  grant: () => void;
}

/**
 * Slots of one pool, shared out by kind of work: a command runs when the pool has a free
 * slot AND its kind is under its own limit. Waiters are served in arrival order, but a
 * waiter whose kind is full does not hold up one whose kind has room — so a queue of
 * builds never blocks a git status behind it.
 */
export class CategoryLimiter {
  readonly pool: number;
  readonly limits: Readonly<Record<Category, number>>;
  private readonly running = new Map<Category, number>(CATEGORIES.map((category) => [category, 0]));
  private total = 0;
  private readonly queue: Waiter[] = [];

  constructor(options: CategoryLimiterOptions = {}) {
    this.pool = slots('pool', options.pool ?? DEFAULT_POOL_SLOTS);
    for (const name of Object.keys(options.limits ?? {})) {
      if (!isCategory(name)) {
        throw new ShellError(
          ShellErrorCode.InvalidInput,
          `limits.${name} is not a category; categories are ${CATEGORIES.join(', ')}`,
        );
      }
    }
    const limits = { ...DEFAULT_CATEGORY_LIMITS };
    for (const [name, value] of Object.entries(options.limits ?? {})) {
      limits[name as Category] = slots(`limits.${name}`, value);
    }
    this.limits = limits;
  }

  /**
   * Waits for a slot of `category` and returns its release. Aborting `signal` while
   * waiting gives up the place in the queue and rejects with `CANCELLED`.
   */
  acquire(category: Category, signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(cancelled(category, signal.reason));
    if (this.queue.length === 0 && this.fits(category)) return Promise.resolve(this.take(category));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        category,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.take(category));
        },
      };
      const onAbort = () => {
        const index = this.queue.indexOf(waiter);
        if (index !== -1) this.queue.splice(index, 1);
        reject(cancelled(category, signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      // An earlier waiter of a full kind must not keep this one out.
      this.drain();
    });
  }

  /** Runs `work` in a slot of `category`, releasing the slot however it ends. */
  async run<T>(category: Category, work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(category, signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** Slots in use and waiters, by kind: what a load snapshot reports. */
  snapshot(): { total: number; running: Record<Category, number>; waiting: number } {
    return {
      total: this.total,
      running: Object.fromEntries(this.running) as Record<Category, number>,
      waiting: this.queue.length,
    };
  }

  private fits(category: Category): boolean {
    return this.total < this.pool && this.count(category) < this.limits[category];
  }

  private take(category: Category): () => void {
    this.total += 1;
    this.running.set(category, this.count(category) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.total -= 1;
      this.running.set(category, this.count(category) - 1);
      this.drain();
    };
  }

  private count(category: Category): number {
    return this.running.get(category) ?? 0;
  }

  private drain(): void {
    for (const waiter of [...this.queue]) {
      if (this.total >= this.pool) break;
      if (this.fits(waiter.category)) {
        this.queue.splice(this.queue.indexOf(waiter), 1);
        waiter.grant();
      }
    }
  }
}

function slots(where: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new ShellError(
      ShellErrorCode.InvalidInput,
      `${where} must be a positive whole number of slots, got ${value}`,
    );
  }
  return value;
}

function cancelled(category: Category, reason: unknown): ShellError {
  return new ShellError(
    ShellErrorCode.Cancelled,
    `cancelled while waiting for a ${category} slot`,
    {
      cause: reason,
    },
  );
}
