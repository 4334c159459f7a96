import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DeadLetter,
  subjects,
  TaskEnvelope,
  toFanoutError,
  type Subjects,
} from '@fanout/contracts';
import { DeadLetterNotFoundError } from '../errors';
import { injectTrace } from '../tracing/propagation';
import { decode, encode } from './codec';
import { ErrorChannel } from './error-channel';
import { onStream } from './missing-stream';
import { readToEnd } from './ordered-reader';
import type { DeadLetterSink, Exhaustion } from './priority-consumer';
import { TaskQueue } from './task-queue';

/** A dead letter as listed: its sequence in the errors stream is its handle. */
export interface StoredDeadLetter {
  seq: number;
  letter: DeadLetter;
}

/**
 * Dead letters: task attempts that used up their deliveries, kept on `<prefix>.dlq.<tool>`
 * (in the errors stream) instead of clogging their work queue, until an operator retries
 * or discards them. {@link DeadLetters.sink} is what a tool's {@link PriorityConsumer}
 * hands exhausted messages to.
 */
export class DeadLetters {
  private readonly js: JetStreamClient;
  private readonly jsm: Promise<JetStreamManager>;
  private readonly tasks: TaskQueue;
  private readonly errors: ErrorChannel;
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
    /** The service that records what cannot be dead-lettered (an invalid task). */
    private readonly service = 'dead-letters',
  ) {
    this.js = jetstream(connection);
    this.jsm = jetstreamManager(connection);
    this.tasks = new TaskQueue(connection, names);
    this.errors = new ErrorChannel(connection, names);
  }

  /**
   * Keeps an exhausted task message. The message id is the original's stream position, so
   * a consumer that dies between storing the copy and removing the original (and so
   * dead-letters it again) stores it once. A message that is not a valid task envelope
   * cannot become a dead letter; it is recorded on the error channel with its start.
   */
  readonly sink: DeadLetterSink = async (message: JsMsg, exhaustion: Exhaustion) => {
    let envelope: TaskEnvelope;
    try {
      envelope = decode(TaskEnvelope, message.data, message.subject);
    } catch (invalid) {
      await this.errors.record({
        service: this.service,
        kind: 'invalid-task',
        at: Date.now(),
        error: { ...exhaustion.error, cause: toFanoutError(invalid) },
        subject: message.subject,
        payload: new TextDecoder().decode(message.data.subarray(0, 4_096)),
      });
      return;
    }
    const subject = this.names.deadLetter(envelope.tool);
    const { data } = encode(
      DeadLetter,
      {
        tool: envelope.tool,
        at: Date.now(),
        deliveries: exhaustion.deliveries,
        envelope,
        lastError: exhaustion.error,
      },
      subject,
    );
    await this.js.publish(subject, data, {
      msgID: `dlq:${message.info.stream}:${message.seq}`,
      headers: injectTrace(),
    });
  };

  /** The dead letters of one tool, or of all tools, oldest first. */
  list(tool?: string): Promise<StoredDeadLetter[]> {
    const filter = tool === undefined ? this.names.deadLetters() : this.names.deadLetter(tool);
    return readToEnd(this.connection, this.names.streams.errors, filter, 'all', (message) => ({
      seq: message.seq,
      letter: decode(DeadLetter, message.data, message.subject),
    }));
  }

  /**
   * Puts the task back on its queue, as it was, and removes the dead letter. The retry has
   * a message id of its own, since the original's may still be in the dedup window.
   */
  async retry(seq: number): Promise<void> {
    const letter = await this.get(seq);
    await this.tasks.dispatch(letter.envelope, { msgID: `retry:${seq}` });
    await this.remove(seq);
  }

  /** Removes a dead letter for good. */
  async discard(seq: number): Promise<void> {
    await this.get(seq);
    await this.remove(seq);
  }

  private async get(seq: number): Promise<DeadLetter> {
    const stream = this.names.streams.errors;
    const jsm = await this.jsm;
    const stored = await onStream(stream, () => jsm.streams.getMessage(stream, { seq }));
    if (!stored || !isUnder(stored.subject, this.names.deadLetters())) {
      throw new DeadLetterNotFoundError(stream, seq);
    }
    return decode(DeadLetter, stored.data, stored.subject);
  }

  private async remove(seq: number): Promise<void> {
    await (await this.jsm).streams.deleteMessage(this.names.streams.errors, seq);
  }
}

/** Whether `subject` falls under a `prefix.>` wildcard. */
function isUnder(subject: string, wildcard: string): boolean {
  return subject.startsWith(wildcard.slice(0, -1));
}
