import { jetstream, type JetStreamClient } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { ErrorRecord, subjects, type Subjects } from '@fanout/contracts';
import { injectTrace } from '../tracing/propagation';

/**
 * The error channel: every failure a service meets is recorded on
 * `fanout.err.<service>.<kind>` with its cause chain, so failures can be found after the
 * fact instead of only in one process's log.
 */
export class ErrorChannel {
  private readonly js: JetStreamClient;
  constructor(
    connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {
    this.js = jetstream(connection);
  }

  /** Records one failure; the record is validated so a bad record fails here, loudly. */
  async record(record: ErrorRecord): Promise<void> {
    const valid = ErrorRecord.parse(record);
    await this.js.publish(this.names.error(valid.service, valid.kind), JSON.stringify(valid), {
      headers: injectTrace(),
    });
  }
}
