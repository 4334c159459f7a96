import { jetstream, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorRecord, subjects, type Subjects } from '@fanout/contracts';
import { injectTrace } from '../tracing/propagation';
import { decode, encode } from './codec';
import { follow, readToEnd, type StartAt } from './ordered-reader';
import type { Subscription } from './subscription';

/** An error record as read back, with the stream sequence that orders and resumes it. */
export interface StoredErrorRecord {
  seq: number;
  subject: string;
  record: ErrorRecord;
}

/** Which records to read: one service's, one kind's, both, or (empty) all of them. */
export interface ErrorFilter {
  service?: string;
  kind?: string;
}

/**
 * The error channel: every failure a service meets is recorded on
 * `fanout.err.<service>.<kind>` with its cause chain, so failures can be found after the
 * fact instead of only in one process's log.
 */
export class ErrorChannel {
  private readonly js: JetStreamClient;
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
  }

  /** Records one failure; the record is validated so a bad record fails here, loudly. */
  async record(record: ErrorRecord): Promise<void> {
    const subject = this.names.error(record.service, record.kind);
    const { data } = encode(ErrorRecord, record, subject);
    await this.js.publish(subject, data, { headers: injectTrace() });
  }

  /** The records that match `filter` from `from` (default: all kept) to the end of the log now. */
  read(filter: ErrorFilter = {}, from: StartAt = 'all'): Promise<StoredErrorRecord[]> {
    return readToEnd(this.connection, this.names.streams.errors, this.filter(filter), from, read);
  }

  /**
   * Follows the records that match `filter`, as they are recorded. A record that fails
   * validation ends the iteration with `InvalidMessageError` naming its subject.
   */
  subscribe(
    filter: ErrorFilter = {},
    from: StartAt = 'new',
  ): Promise<Subscription<StoredErrorRecord>> {
    return follow(this.connection, this.names.streams.errors, this.filter(filter), from, read);
  }

  private filter({ service, kind }: ErrorFilter): string {
    return service === undefined && kind === undefined
      ? this.names.errors()
      : this.names.error(service ?? '*', kind ?? '*');
  }
}

function read(message: JsMsg): StoredErrorRecord {
  return {
    seq: message.seq,
    subject: message.subject,
    record: decode(ErrorRecord, message.data, message.subject),
  };
}
