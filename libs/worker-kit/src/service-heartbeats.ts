import { ServiceHeartbeat, type Subjects } from '@fanout/contracts';
import type { z } from 'zod';
import type { Connection } from './transport-types';

/** Where a worker says it is alive; a messaging channel should provide this (see below). */
export interface HeartbeatPublisher {
  publish(heartbeat: z.input<typeof ServiceHeartbeat>): void;
}

const encoder = new TextEncoder();

/**
 * Publishes `ServiceHeartbeat`s on `<prefix>.ctl.heartbeat.<service>.<instance>` (core
 * NATS, fire and forget, like the heartbeat itself). A stopgap: `@fanout/messaging` has no
 * control-plane publisher yet, so this borrows the connection it hands out. Replace it
 * with messaging's channel once there is one, so that only messaging speaks to NATS.
 */
export function heartbeatPublisher(connection: Connection, names: Subjects): HeartbeatPublisher {
  return {
    publish(heartbeat) {
      const valid = ServiceHeartbeat.parse(heartbeat);
      const subject = names.heartbeat(valid.service, valid.instance);
      connection.publish(subject, encoder.encode(JSON.stringify(valid)));
    },
  };
}
