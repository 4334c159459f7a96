import type { TaskEnvelope, TaskOutcome } from '@fanout/contracts';
import { attemptKey, reportIds, runId } from './report-ids';
import type { Reporter } from './reporter';
import type { WorkerLogger, WorkerTiming } from './worker-options';

type Terminal = Extract<TaskOutcome, { kind: 'succeeded' | 'failed' }>;

/**
 * The reports of one attempt while it runs, in order: `started` (only if the tool is still
 * running after `startedAfterMs`), a `heartbeat` every `heartbeatMs`, then the terminal
 * report. They go one after another, so the bus never holds a heartbeat after the result.
 * A heartbeat due while an earlier report is still being retried is folded into it (that
 * pending report already says the attempt is alive) rather than piled up behind it.
 */
export class AttemptReports {
  private readonly key: string;
  private readonly run = runId();
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private beats = 0;
  private startedTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly reporter: Reporter,
    private readonly envelope: TaskEnvelope,
    private readonly timing: Pick<WorkerTiming, 'startedAfterMs' | 'heartbeatMs'>,
    private readonly logger: WorkerLogger,
  ) {
    this.key = attemptKey(envelope);
  }

  /** Starts the clock: `started` after the delay, heartbeats after that. */
  begin(): void {
    const { startedAfterMs, heartbeatMs } = this.timing;
    if (startedAfterMs === 0) this.started();
    else this.startedTimer = setTimeout(() => this.started(), startedAfterMs);
    this.heartbeatTimer = setInterval(() => this.heartbeat(), heartbeatMs);
  }

  /** Stops `started` and heartbeats; what is already queued still goes out. */
  stop(): void {
    clearTimeout(this.startedTimer);
    clearInterval(this.heartbeatTimer);
  }

  /** Sends the result once everything before it is stored; rejects if it cannot be stored. */
  async finish(outcome: Terminal): Promise<void> {
    this.stop();
    // Most attempts end before their first `started` is due: nothing to wait for then.
    if (this.pending > 0) await this.chain;
    await this.reporter.report(this.envelope, outcome, reportIds.terminal(this.key, outcome.kind));
  }

  private started(): void {
    this.enqueue({ kind: 'started' }, reportIds.started(this.key));
  }

  private heartbeat(): void {
    if (this.pending > 0) return;
    this.beats++;
    this.enqueue({ kind: 'heartbeat' }, reportIds.heartbeat(this.key, this.run, this.beats));
  }

  private enqueue(outcome: TaskOutcome, commandId: string): void {
    this.pending++;
    this.chain = this.chain
      .then(() => this.reporter.report(this.envelope, outcome, commandId))
      .catch((error: unknown) => this.logger.error(`report ${commandId} was not stored`, error))
      .finally(() => this.pending--);
  }
}
