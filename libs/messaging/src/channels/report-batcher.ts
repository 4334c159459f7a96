import { ReportTask, type Priority } from '@fanout/contracts';
import { inSampledTrace } from '../tracing/propagation';
import { encode } from './codec';
import type { CommandBus, CommandReceipt } from './command-bus';
import { MessageTooLargeError } from '../errors';

interface Waiting {
  report: ReportTask;
  bytes: number;
  resolve: (receipt: CommandReceipt) => void;
  reject: (error: unknown) => void;
}

/**
 * Sends a worker's reports of one turn of the event loop together. A report alone is a
 * message the worker publishes and waits on, and one the orchestrator receives, decodes and
 * acks: at hundreds of tasks finishing a second, that round trip per task was as much of
 * both processes' CPU as the work itself. Reports queued in one turn leave at
 * `setImmediate` as one message per priority (a JSON array, `CommandBus.publishReports`),
 * cut where a message would grow past `maxBytes`; a turn's lone report leaves as before.
 * Each caller hears its own report's fate: stored, or the publish's error to retry on.
 *
 * A report made within a recorded trace goes alone, at once, so the orchestrator's
 * handling of it continues that trace; with tracing off (no trace is recorded) every
 * report can travel with others.
 */
export class ReportBatcher {
  private readonly queued = new Map<Priority, Waiting[]>();
  private flushing = false;

  constructor(
    private readonly bus: Pick<CommandBus, 'publish' | 'publishReports'>,
    /** The largest body one message carries (`maxBodyBytes` of the connection). */
    private readonly maxBytes: number,
  ) {}

  /** Resolves once the report is stored on the bus; the shape of `CommandBus.publish`. */
  async publish(report: ReportTask, options: { priority: Priority }): Promise<CommandReceipt> {
    if (inSampledTrace()) return this.bus.publish(report, options);
    const where = `report ${report.commandId} (task.report at p${options.priority})`;
    // Checked here, alone: a bad report fails its own caller and no one else's.
    const { value, data } = encode(ReportTask, report, where);
    if (data.length > this.maxBytes)
      throw new MessageTooLargeError(where, data.length, this.maxBytes);
    return new Promise((resolve, reject) => {
      const waiting = this.queued.get(options.priority) ?? [];
      waiting.push({ report: value, bytes: data.length, resolve, reject });
      this.queued.set(options.priority, waiting);
      if (!this.flushing) {
        this.flushing = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushing = false;
    for (const [priority, waiting] of this.queued) {
      this.queued.delete(priority);
      for (const batch of this.cut(waiting)) void this.send(batch, priority);
    }
  }

  /** Batches of at most `maxBytes` of body: the reports' bytes, brackets and commas. */
  private cut(waiting: Waiting[]): Waiting[][] {
    const batches: Waiting[][] = [];
    let batch: Waiting[] = [];
    let bytes = 2;
    for (const item of waiting) {
      if (batch.length > 0 && bytes + item.bytes + 1 > this.maxBytes) {
        batches.push(batch);
        batch = [];
        bytes = 2;
      }
      batch.push(item);
      bytes += item.bytes + 1;
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  private async send(batch: Waiting[], priority: Priority): Promise<void> {
    try {
      const receipt =
        batch.length === 1
          ? await this.bus.publish(batch[0]!.report, { priority })
          : await this.bus.publishReports(
              batch.map((item) => item.report),
              priority,
            );
      for (const item of batch) item.resolve(receipt);
    } catch (error) {
      for (const item of batch) item.reject(error);
    }
  }
}
