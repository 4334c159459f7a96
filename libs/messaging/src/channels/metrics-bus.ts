import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { LoadSnapshot, subjects, type Subjects } from '@fanout/contracts';
import type { z } from 'zod';
import { StreamMissingError } from '../errors';
import { injectTrace } from '../tracing/propagation';
import { encode } from './codec';
import { decode } from './codec';
import { subscribeCore, type CoreSubscribeOptions } from './core-subscription';
import { follow, readToEnd } from './ordered-reader';
import type { Subscription } from './subscription';

/**
 * The metrics bus: every instance's load, on `<prefix>.metrics.<service>.<instance>`
 * every few seconds. It is core NATS because a snapshot is stale by the next one and the
 * allocator wants the latest, not a backlog; the short FANOUT_METRICS stream captures
 * them anyway, for a monitor that starts late or a look at the last ten minutes.
 */
export class MetricsBus {
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {}

  /** Publishes one snapshot (validated); fire and forget, like the snapshot itself. */
  publish(snapshot: z.input<typeof LoadSnapshot>): void {
    const subject = this.names.metrics(snapshot.service, snapshot.instance);
    const { data } = encode(LoadSnapshot, snapshot, subject);
    this.connection.publish(subject, data, { headers: injectTrace() });
  }

  /** Follows the snapshots of one service's instances, or of every service. */
  subscribe(
    filter: { service?: string } = {},
    options: CoreSubscribeOptions = {},
  ): Promise<Subscription<LoadSnapshot>> {
    const subject =
      filter.service === undefined
        ? this.names.allMetrics()
        : this.names.metrics(filter.service, '*');
    return subscribeCore(this.connection, subject, LoadSnapshot, options);
  }

  /**
   * Every instance's latest snapshot kept in the metrics stream (instances that stopped
   * included, with their old `at`), then each new one as it comes: the whole picture at
   * once for a view that starts after the services, instead of a wait for their next tick.
   */
  follow(): Promise<Subscription<LoadSnapshot>> {
    return follow(
      this.connection,
      this.names.streams.metrics,
      this.names.allMetrics(),
      'last-per-subject',
      decodeSnapshot,
    );
  }

  /**
   * The latest snapshot of every instance the metrics stream still keeps (about ten
   * minutes), stopped ones included: what `fanout status` shows. Read once, no waiting.
   * No metrics stream means no service ever started under this prefix: none.
   */
  async latest(): Promise<LoadSnapshot[]> {
    try {
      return await readToEnd(
        this.connection,
        this.names.streams.metrics,
        this.names.allMetrics(),
        'last-per-subject',
        decodeSnapshot,
      );
    } catch (error) {
      if (error instanceof StreamMissingError) return [];
      throw error;
    }
  }
}

function decodeSnapshot(message: JsMsg): LoadSnapshot {
  return decode(LoadSnapshot, message.data, message.subject);
}
