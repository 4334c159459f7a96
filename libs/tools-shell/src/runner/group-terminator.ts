import type { SpawnedProcess } from './spawner';
import { signalGroup } from './terminate';

/** When and how a command's process group is ended. */
export interface TerminatorOptions {
  timeoutMs: number;
  /** After the SIGTERM, how long before SIGKILL. */
  killGraceMs: number;
  /** Whether the group's leader is bubblewrap (see `signalGroup`). */
  sandboxed: boolean;
  signal?: AbortSignal;
}

/**
 * Ends a command's process group when its time is up (`timedOut`) or its caller aborts
 * (`aborted`): SIGTERM, then SIGKILL `killGraceMs` later. Once the process has ended no
 * signal is sent, since its group id may already belong to another. `dispose` when done.
 */
export class GroupTerminator {
  timedOut = false;
  aborted = false;
  private ended = false;
  private readonly timer: NodeJS.Timeout;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly process: SpawnedProcess,
    private readonly options: TerminatorOptions,
  ) {
    const over = () => void (this.ended = true);
    process.exit.then(over, over);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.terminate();
    }, options.timeoutMs);
    if (options.signal?.aborted) this.onAbort();
    else options.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** SIGKILL to the whole group at once: for a run nobody listens to any more. */
  async killNow(): Promise<void> {
    await this.process.pid.then(
      (pid) => signalGroup(pid, 'SIGKILL', this.options.sandboxed),
      () => undefined,
    );
  }

  dispose(): void {
    clearTimeout(this.timer);
    clearTimeout(this.killTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
  }

  private readonly onAbort = () => {
    this.aborted = true;
    this.terminate();
  };

  private terminate(): void {
    const { sandboxed, killGraceMs } = this.options;
    void this.process.pid.then(
      (pid) => {
        if (this.ended) return;
        signalGroup(pid, 'SIGTERM', sandboxed);
        this.killTimer = setTimeout(() => signalGroup(pid, 'SIGKILL', sandboxed), killGraceMs);
      },
      () => undefined,
    );
  }
}
