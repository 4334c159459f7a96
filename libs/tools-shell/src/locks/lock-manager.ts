import { ShellError, ShellErrorCode } from '../errors';

/**
 * Named locks held by commands that must not overlap (two builds writing one `dist/`, two
 * `npm install`s in one tree). A command takes all of its locks or none; names are taken
 * in sorted order, so two commands wanting the same pair can never each hold one half.
 * Each lock serves its waiters first come, first served. One manager is shared by every
 * `bash.exec` call in the process.
 */
export class LockManager {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();

  /** Waits until every named lock is this caller's; returns the release of all of them. */
  async acquire(names: readonly string[], signal?: AbortSignal): Promise<() => void> {
    const sorted = [...new Set(names)].sort();
    const taken: string[] = [];
    try {
      for (const name of sorted) {
        await this.take(name, signal);
        taken.push(name);
      }
    } catch (error) {
      for (const name of taken.reverse()) this.give(name);
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const name of [...taken].reverse()) this.give(name);
    };
  }

  /** Runs `work` holding `names`, releasing them however it ends. */
  async run<T>(names: readonly string[], work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(names, signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  private take(name: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(cancelled(name, signal.reason));
    if (!this.held.has(name)) {
      this.held.add(name);
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(name) ?? [];
      this.waiting.set(name, queue);
      const onGrant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const index = queue.indexOf(onGrant);
        if (index !== -1) queue.splice(index, 1);
        reject(cancelled(name, signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queue.push(onGrant);
    });
  }

  /** Hands the lock straight to the next waiter, or frees it. */
  private give(name: string): void {
    const next = this.waiting.get(name)?.shift();
    if (next) {
      next();
      return;
    }
    this.waiting.delete(name);
    this.held.delete(name);
  }
}

function cancelled(name: string, reason: unknown): ShellError {
  return new ShellError(ShellErrorCode.Cancelled, `cancelled while waiting for lock "${name}"`, {
    cause: reason,
  });
}
