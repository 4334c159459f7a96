import type { DeliveryInfo, JsMsg, PullOptions } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';

/** How a held message was settled; `undefined` while it is still held. */
export type Settlement = 'ack' | 'nak' | 'term';

/**
 * A JetStream message as a {@link PriorityConsumer} hands it to its handler. It behaves
 * exactly like the message it wraps, and also remembers whether (and how) the handler
 * settled it, so the consumer knows when to stop heartbeating and whether a handler that
 * returned or threw left it unsettled. `working()` after settling is a no-op, as on the
 * server.
 */
export class HeldMessage implements JsMsg {
  #settled: Settlement | undefined;
  constructor(readonly raw: JsMsg) {}

  /** How the handler settled the message, if it did. */
  get settled(): Settlement | undefined {
    return this.#settled;
  }

  get redelivered(): boolean {
    return this.raw.redelivered;
  }
  get info(): DeliveryInfo {
    return this.raw.info;
  }
  get seq(): number {
    return this.raw.seq;
  }
  get headers(): MsgHdrs | undefined {
    return this.raw.headers;
  }
  get data(): Uint8Array {
    return this.raw.data;
  }
  get subject(): string {
    return this.raw.subject;
  }
  get sid(): number {
    return this.raw.sid;
  }
  get time(): Date {
    return this.raw.time;
  }
  get timestamp(): string {
    return this.raw.timestamp;
  }
  get timestampNanos(): bigint {
    return this.raw.timestampNanos;
  }

  ack(): void {
    if (this.settle('ack')) this.raw.ack();
  }
  nak(millis?: number): void {
    if (this.settle('nak')) this.raw.nak(millis);
  }
  term(reason?: string): void {
    if (this.settle('term')) this.raw.term(reason);
  }
  working(): void {
    if (!this.#settled) this.raw.working();
  }
  async ackAck(opts?: Partial<{ timeout: number }>): Promise<boolean> {
    if (!this.settle('ack')) return false;
    return this.raw.ackAck(opts);
  }
  /** Not supported: it would pull messages past the consumer's priority and concurrency. */
  next(_subject: string, _options?: Partial<PullOptions>): void {
    throw new Error(
      `message ${this.raw.seq} on ${this.raw.subject}: next() is not supported under a PriorityConsumer; ack() it instead`,
    );
  }
  json<T>(): T {
    return this.raw.json<T>();
  }
  string(): string {
    return this.raw.string();
  }

  private settle(how: Settlement): boolean {
    if (this.#settled) return false;
    this.#settled = how;
    return true;
  }
}
