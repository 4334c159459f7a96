import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Subjects } from '@fanout/contracts';
import { connectNats, type ConnectionLogger } from '../connection/connect';
import { natsConfigFromEnv } from '../connection/nats-config';
import type { TransportConnectionOptions } from './jetstream.options';

/** A transport's connection, and whether closing the transport must close it too. */
export interface TransportConnection {
  connection: NatsConnection;
  /** True when the transport opened it: it drains it on close. A lent one stays open. */
  owned: boolean;
  names: Subjects;
}

/**
 * Borrows the lent connection or opens one from the config (the environment when none is
 * given), and fixes the subject prefix: explicit, else the config's, else the environment's.
 */
export async function openTransportConnection(
  options: TransportConnectionOptions,
  logger?: ConnectionLogger,
): Promise<TransportConnection> {
  const config = options.config ?? natsConfigFromEnv();
  const names = subjects(options.prefix ?? config.subjectPrefix);
  if (options.connection) return { connection: options.connection, owned: false, names };
  return { connection: await connectNats(config, logger), owned: true, names };
}
