import type { Consumer, ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { backoffDelay, BACKOFF } from '../backoff';

/** How long one pull request waits at the server for messages before it is renewed. */
const PULL_EXPIRES_MS = 10_000;

/**
 * Keeps a small buffer of one priority level's messages, `target` deep, filled by pull
 * requests for exactly what is missing. The buffer is what lets the consumer choose by
 * priority the moment a slot frees, without an extra round trip; keeping it small keeps
 * messages from waiting in one replica while another is idle. A failed pull (server down,
 * consumer gone) is reported and retried with backoff; it never stops the level for good
 * unless the connection is closed.
 */
export class LevelPuller {
  /** Delivered messages waiting for a slot, oldest first. */
  readonly buffer: JsMsg[] = [];
  /** Messages received since start, to tell when a level has answered at all. */
  received = 0;
  private requested = 0;
  private running = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private readonly pulls = new Set<ConsumerMessages>();

  constructor(
    /** `<stream>/<durable>`, for messages. */
    readonly name: string,
    private readonly consumer: Consumer,
    private readonly target: number,
    private readonly isClosed: () => boolean,
    private readonly onBuffered: () => void,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Starts filling the buffer. */
  start(): void {
    this.running = true;
    this.refill();
  }

  /** Takes a buffered message (the oldest by default) and asks for a replacement. */
  take(index = 0): JsMsg | undefined {
    const [message] = this.buffer.splice(index, 1);
    this.refill();
    return message;
  }

  /** Stops pulling and hands back whatever was buffered, for the caller to release. */
  async stop(): Promise<JsMsg[]> {
    this.running = false;
    clearTimeout(this.retry);
    await Promise.all([...this.pulls].map((pull) => pull.close()));
    return this.buffer.splice(0);
  }

  private refill(): void {
    if (!this.running || this.retry) return;
    const want = this.target - this.buffer.length - this.requested;
    if (want <= 0 || want < Math.ceil(this.target / 2)) return;
    this.requested += want;
    void this.pull(want);
  }

  private async pull(want: number): Promise<void> {
    let got = 0;
    let pull: ConsumerMessages | undefined;
    try {
      pull = await this.consumer.fetch({ max_messages: want, expires: PULL_EXPIRES_MS });
      this.pulls.add(pull);
      for await (const message of pull) {
        got++;
        this.requested--;
        if (!this.running) {
          message.nak(); // arrived while stopping: give it straight back
          continue;
        }
        this.buffer.push(message);
        this.received++;
        this.onBuffered();
      }
      this.failures = 0;
    } catch (error) {
      this.failed(error);
    } finally {
      this.requested -= want - got;
      if (pull) this.pulls.delete(pull);
    }
    this.refill();
  }

  private failed(error: unknown): void {
    const cause = error instanceof Error ? error : new Error(String(error));
    const where = this.name;
    if (this.isClosed()) {
      if (this.running) this.onError(new Error(`${where}: connection closed, pulling stopped`));
      this.running = false;
      return;
    }
    this.failures++;
    const delay = backoffDelay(BACKOFF.pull, this.failures - 1);
    this.onError(
      new Error(`pull from ${where} failed (${cause.message}); retrying in ${delay} ms`, { cause }),
    );
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.refill();
    }, delay);
  }
}
