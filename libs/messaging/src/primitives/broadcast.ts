import type { NatsConnection } from '@nats-io/transport-node';
import { Broadcast, subjects, type Subjects } from '@fanout/contracts';
import type { z } from 'zod';
import { encode } from '../channels/codec';
import { subscribeCore, type CoreSubscribeOptions } from '../channels/core-subscription';
import type { Subscription } from '../channels/subscription';
import { injectTrace } from '../tracing/propagation';

/**
 * Broadcast: a change of global state (drain, pause, resume, new pool limits) that every
 * process hears at once on `<prefix>.ctl.broadcast`. Core NATS: a process that is down
 * misses it and reads the current state when it starts, so nothing is queued for it.
 */
export class Broadcaster {
  constructor(
    private readonly connection: NatsConnection,
    private readonly names: Subjects = subjects(),
  ) {}

  /** Tells every process; validated first. Resolves once the server has it. */
  async publish(message: z.input<typeof Broadcast>): Promise<void> {
    const subject = this.names.broadcast();
    const { data } = encode(Broadcast, message, subject);
    this.connection.publish(subject, data, { headers: injectTrace() });
    await this.connection.flush();
  }

  /** Hears every broadcast from now on. */
  subscribe(options: CoreSubscribeOptions = {}): Promise<Subscription<Broadcast>> {
    return subscribeCore(this.connection, this.names.broadcast(), Broadcast, options);
  }
}
