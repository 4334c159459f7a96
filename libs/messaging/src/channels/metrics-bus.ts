import type { NatsConnection } from '@nats-io/transport-node';
import { LoadSnapshot, subjects, type Subjects } from '@fanout/contracts';
import type { z } from 'zod';
import { injectTrace } from '../tracing/propagation';
import { encode } from './codec';
import { subscribeCore, type CoreSubscribeOptions } from './core-subscription';
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
}
