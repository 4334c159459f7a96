import type { ToolImplementation } from '@fanout/contracts';
import { ShellError, ShellErrorCode } from '../errors';
import { createBashExec } from '../tool/bash-exec';
import { checkBatchGraph } from './batch-graph';
import type { BatchCommand, BatchEvent, BatchOptions, CommandResult, HaltPolicy } from './batch-options';
import { runOnce } from './run-once';

export type { BatchCommand } from './batch-options';

/** How one command of a batch ended. */
export type BatchOutcome =
  | { status: 'succeeded'; attempts: number; result: CommandResult }
  /** Non-zero exit, a signal, or an error (a refusal, say) on its last attempt. */
  | { status: 'failed'; attempts: number; result?: CommandResult; error?: unknown }
  /** Never started: a dependency did not succeed, or the batch halted first. */
  | { status: 'skipped'; reason: string }
  /** Killed while running, by `halt: 'now'` or the batch's signal. */
  | { status: 'cancelled'; attempts: number };

export interface BatchReport {
  /** True when every command succeeded. */
  ok: boolean;
  outcomes: Record<string, BatchOutcome>;
  /** The first failure that halted the batch, under `now` or `soon`. */
  haltedBy?: string;
  /** Most commands running at once. */
  peakRunning: number;
  durationMs: number;
}

let defaultTool: ToolImplementation<'bash.exec'> | undefined;

/**
 * Runs a batch of shell commands: each starts once its `dependsOn` have succeeded, up
 * to `concurrency` at once, never beside a running command that shares one of its locks
 * (the tool also takes the locks from the process's lock manager, so other callers are
 * kept apart too). A failure is retried up to its `retries`, then handled by `halt`.
 * Commands start in the order given, among those ready.
 */
export async function runBatch(commands: readonly BatchCommand[], options: BatchOptions = {}): Promise<BatchReport> {
  checkBatchGraph(commands);
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ShellError(ShellErrorCode.InvalidInput, `invalid batch: concurrency must be a positive whole number, got ${concurrency}`);
  }
  const tool = options.tool ?? (defaultTool ??= createBashExec());
  return new Batch(commands, concurrency, options.halt ?? 'never', options.retries ?? 0, tool, options).run();
}

class Batch {
  private readonly outcomes: Record<string, BatchOutcome> = {};
  private readonly pending: BatchCommand[];
  private readonly running = new Map<string, { command: BatchCommand; controller: AbortController }>();
  private readonly attempts = new Map<string, number>();
  private haltedBy?: string;
  private peak = 0;
  private finish!: () => void;

  constructor(
    commands: readonly BatchCommand[],
    private readonly concurrency: number,
    private readonly halt: HaltPolicy,
    private readonly retries: number,
    private readonly tool: ToolImplementation<'bash.exec'>,
    private readonly options: BatchOptions,
  ) {
    this.pending = [...commands];
  }

  async run(): Promise<BatchReport> {
    const started = performance.now();
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    const onAbort = () => this.stop('the batch was cancelled', true);
    this.options.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.options.signal?.aborted) onAbort();
    this.schedule();
    await done;
    this.options.signal?.removeEventListener('abort', onAbort);
    return {
      ok: Object.values(this.outcomes).every((outcome) => outcome.status === 'succeeded'),
      outcomes: this.outcomes,
      haltedBy: this.haltedBy,
      peakRunning: this.peak,
      durationMs: Math.round(performance.now() - started),
    };
  }

  /** Starts whatever may start now; ends the batch when nothing runs and nothing can. */
  private schedule(): void {
    this.skipBlocked();
    for (const command of [...this.pending]) {
      if (this.running.size >= this.concurrency) break;
      if (this.ready(command) && !this.lockBusy(command)) {
        this.pending.splice(this.pending.indexOf(command), 1);
        this.start(command);
      }
    }
    if (this.running.size === 0) {
      for (const command of this.pending.splice(0)) {
        this.outcomes[command.id] = { status: 'skipped', reason: 'its dependencies never completed' };
      }
      this.finish();
    }
  }

  private ready(command: BatchCommand): boolean {
    return (command.dependsOn ?? []).every((id) => this.outcomes[id]?.status === 'succeeded');
  }

  private lockBusy(command: BatchCommand): boolean {
    const wanted = new Set(command.locks ?? []);
    if (wanted.size === 0) return false;
    for (const { command: other } of this.running.values()) {
      if ((other.locks ?? []).some((lock) => wanted.has(lock))) return true;
    }
    return false;
  }

  /** Marks as skipped every pending command behind a dependency that will never succeed. */
  private skipBlocked(): void {
    let changed = true;
    while (changed) {
      changed = false;
      for (const command of [...this.pending]) {
        const blocker = (command.dependsOn ?? []).find((id) => {
          const status = this.outcomes[id]?.status;
          return status !== undefined && status !== 'succeeded';
        });
        if (blocker) {
          this.pending.splice(this.pending.indexOf(command), 1);
          const how = this.outcomes[blocker]?.status === 'skipped' ? 'was skipped' : 'did not succeed';
          this.outcomes[command.id] = { status: 'skipped', reason: `its dependency "${blocker}" ${how}` };
          changed = true;
        }
      }
    }
  }

  private start(command: BatchCommand): void {
    const attempt = (this.attempts.get(command.id) ?? 0) + 1;
    this.attempts.set(command.id, attempt);
    const controller = new AbortController();
    this.running.set(command.id, { command, controller });
    this.peak = Math.max(this.peak, this.running.size);
    this.emit({ type: 'started', id: command.id, attempt, at: Date.now() });
    void runOnce(this.tool, command, attempt, controller.signal).then((ended) => {
      this.running.delete(command.id);
      this.emit({ type: 'ended', id: command.id, attempt, at: Date.now(), ok: ended.ok });
      if (controller.signal.aborted) {
        this.outcomes[command.id] ??= { status: 'cancelled', attempts: attempt };
      } else if (ended.ok && ended.result) {
        this.outcomes[command.id] = { status: 'succeeded', attempts: attempt, result: ended.result };
      } else if (ended.retryable && attempt <= (command.retries ?? this.retries) && !this.haltedBy) {
        this.pending.unshift(command);
      } else {
        this.outcomes[command.id] = { status: 'failed', attempts: attempt, result: ended.result, error: ended.error };
        if (this.halt !== 'never') this.stop(command.id, this.halt === 'now');
      }
      this.schedule();
    });
  }

  /** Halts: nothing more starts; with `kill`, what runs is cancelled too. */
  private stop(by: string, kill: boolean): void {
    this.haltedBy ??= by;
    for (const command of this.pending.splice(0)) {
      this.outcomes[command.id] = { status: 'skipped', reason: `the batch halted after "${this.haltedBy}" failed` };
    }
    if (!kill) return;
    for (const [id, { controller }] of this.running) {
      this.outcomes[id] = { status: 'cancelled', attempts: this.attempts.get(id) ?? 1 };
      controller.abort(new Error(`halted after "${this.haltedBy}" failed`));
    }
  }

  private emit(event: BatchEvent): void {
    this.options.onEvent?.(event);
  }
}
