import type { JetStreamClient } from '@nats-io/jetstream';
import { DataBatch, type Subjects } from '@fanout/contracts';
import { injectTrace } from '../tracing/propagation';
import { encode } from './codec';
import type { PayloadStore } from './payload-store';

/** The task attempt whose results a data stream carries. */
export interface DataTask {
  workflowId: string;
  taskId: string;
  attempt: number;
}

/** When a batch is sent: at `maxItems` items, or `maxDelayMs` after its first item. */
export interface BatchingOptions {
  maxItems?: number;
  maxDelayMs?: number;
}

const encoder = new TextEncoder();

/**
 * Streams one task attempt's partial results as numbered batches: many small items cost
 * one message per batch, not one each, and a reader sees them within `maxDelayMs`. Batches
 * are sent one after another, in order; a batch too large for the server goes to the
 * Object Store and travels as a reference. If a send fails, nothing after it is sent (a
 * gap would be worse than an end) and the next `push` or `close` throws the failure.
 */
export class DataProducer {
  private buffer: unknown[] = [];
  private nextSeq = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: unknown;
  private closed = false;
  private readonly subject: string;
  private readonly maxItems: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly js: JetStreamClient,
    private readonly store: PayloadStore,
    names: Subjects,
    readonly task: DataTask,
    /** The largest batch body one message carries; larger ones go to the Object Store. */
    private readonly maxBody: number,
    options: BatchingOptions = {},
  ) {
    this.subject = names.data(task.workflowId, task.taskId);
    this.maxItems = options.maxItems ?? 1_000;
    this.maxDelayMs = options.maxDelayMs ?? 100;
    if (!Number.isInteger(this.maxItems) || this.maxItems < 1) {
      throw new Error(`data stream ${this.subject}: maxItems must be a positive integer`);
    }
  }

  /** Batches sent (or being sent) so far. */
  get batches(): number {
    return this.nextSeq;
  }

  /** Adds items; resolves once any batch they filled has been stored. */
  async push(...items: unknown[]): Promise<void> {
    this.assertUsable();
    for (const item of items) {
      this.buffer.push(item);
      if (this.buffer.length >= this.maxItems) await this.flush();
    }
    if (this.buffer.length > 0 && !this.timer) {
      // A failure here is kept in `this.failure` and thrown by the next push or close.
      this.timer = setTimeout(() => void this.flush().catch(() => undefined), this.maxDelayMs);
    }
  }

  /** Sends what is buffered now, as a batch that is not the last. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return this.sending;
    return this.send(this.buffer.splice(0), false);
  }

  /** Sends the rest as the final batch (possibly empty): readers stop there. */
  async close(): Promise<void> {
    this.assertUsable();
    this.closed = true;
    clearTimeout(this.timer);
    await this.send(this.buffer.splice(0), true);
  }

  private send(items: unknown[], final: boolean): Promise<void> {
    const seq = this.nextSeq++;
    this.sending = this.sending.then(() => this.publish(seq, items, final));
    this.sending.catch((error: unknown) => (this.failure ??= error));
    return this.sending;
  }

  private async publish(seq: number, items: unknown[], final: boolean): Promise<void> {
    const batch = { ...this.task, seq, items, final };
    let { data } = encode(DataBatch, batch, this.subject);
    if (data.length > this.maxBody) {
      const { workflowId, taskId, attempt } = this.task;
      const name = `${workflowId}/${taskId}/${attempt}/${seq}`;
      const ref = await this.store.put(name, encoder.encode(JSON.stringify(items)));
      data = encode(DataBatch, { ...batch, items: [], ref }, this.subject).data;
    }
    await this.js.publish(this.subject, data, {
      msgID: `${this.task.workflowId}:${this.task.taskId}:${this.task.attempt}:${seq}`,
      headers: injectTrace(),
    });
  }

  private assertUsable(): void {
    if (this.failure !== undefined) {
      const reason = this.failure instanceof Error ? this.failure.message : String(this.failure);
      throw new Error(`data stream ${this.subject} failed earlier: ${reason}`, {
        cause: this.failure,
      });
    }
    if (this.closed) throw new Error(`data stream ${this.subject} is closed`);
  }
}
