import type { NatsConnection } from '@nats-io/transport-node';
import { ServiceHeartbeat, subjects, type Subjects } from '@fanout/contracts';
import { subscribeCore, type CoreSubscribeOptions } from './core-subscription';
import type { Subscription } from './subscription';

/**
 * The heartbeats of every process, on `<prefix>.ctl.heartbeat.<service>.<instance>`: core
 * NATS, since only the latest matters; what a monitor's failure detection listens to.
 */
export class Heartbeats {
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {}

  /** Follows every instance's heartbeats from now on. */
  subscribe(options: CoreSubscribeOptions = {}): Promise<Subscription<ServiceHeartbeat>> {
    return subscribeCore(this.connection, this.names.heartbeats(), ServiceHeartbeat, options);
  }
}
