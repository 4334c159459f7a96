import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@fanout/contracts';
import { connectNats } from '../connection/connect';
import { natsConfigFromEnv, type NatsConfig } from '../connection/nats-config';
import { ensureTopology } from '../topology/ensure-topology';
import { awaitTopology } from '../topology/await-topology';
import { TopologyOptions, topologyFromEnv } from '../topology/topology-options';
import type { MessagingModuleOptions } from './messaging-module.options';
import { FANOUT_SUBJECTS, FANOUT_TOPOLOGY, MESSAGING_OPTIONS, NATS_CONNECTION } from './tokens';

/**
 * Drains the connection when the application shuts down, so that `enableShutdownHooks()`
 * turns SIGTERM into a graceful stop: in-flight acks and publishes are flushed before
 * the socket closes, and nothing a handler finished is lost with the process.
 */
@Injectable()
export class NatsConnectionDrainer implements OnApplicationShutdown {
  private readonly logger = new Logger('NatsConnection');
  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  async onApplicationShutdown(signal?: string): Promise<void> {
    if (this.connection.isClosed()) return;
    this.logger.log(`draining the NATS connection${signal ? ` on ${signal}` : ''}`);
    await this.connection.drain();
  }
}

/**
 * The config to connect with, the one prefix both the streams and the subjects use, and the
 * topology's settings (from the environment unless given).
 */
function resolve(options: MessagingModuleOptions): {
  config: NatsConfig;
  prefix: string;
  topology: TopologyOptions;
} {
  const config = options.config ?? natsConfigFromEnv();
  const prefix = options.topology?.prefix ?? config.subjectPrefix;
  const topology = TopologyOptions.parse({ ...(options.topology ?? topologyFromEnv()), prefix });
  return { config, prefix, topology };
}

async function connectWithTopology(options: MessagingModuleOptions): Promise<NatsConnection> {
  const { config, topology } = resolve(options);
  const logger = new Logger('NatsConnection');
  const connectionLogger = {
    info: (message: string) => logger.log(message),
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
  const connection = await connectNats(config, connectionLogger);
  try {
    if (topology.mode === 'await') {
      await awaitTopology(connection, topology, {
        info: (m) => logger.log(m),
        warn: (m) => logger.warn(m),
      });
    } else {
      await ensureTopology(connection, topology);
    }
  } catch (error) {
    // A half-started module must not leave a socket that keeps the process alive.
    await connection.close();
    throw new Error(`MessagingModule: ensuring the streams on ${connection.getServer()} failed`, {
      cause: error,
    });
  }
  return connection;
}

/**
 * Gives every module of an application the one NATS connection of the process (global:
 * import it once, in the root module), with Fanout's streams and buckets ensured before any
 * handler starts, and a graceful drain on shutdown.
 */
@Module({})
export class MessagingModule {
  /** Connects (config from the environment unless given) and ensures the topology. */
  static forRoot(options: MessagingModuleOptions = {}): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        {
          provide: NATS_CONNECTION,
          useFactory: (resolved: MessagingModuleOptions) => connectWithTopology(resolved),
          inject: [MESSAGING_OPTIONS],
        },
        {
          provide: FANOUT_SUBJECTS,
          useFactory: (resolved: MessagingModuleOptions) => subjects(resolve(resolved).prefix),
          inject: [MESSAGING_OPTIONS],
        },
        {
          provide: FANOUT_TOPOLOGY,
          useFactory: (resolved: MessagingModuleOptions) => resolve(resolved).topology,
          inject: [MESSAGING_OPTIONS],
        },
        NatsConnectionDrainer,
      ],
      exports: [NATS_CONNECTION, FANOUT_SUBJECTS, FANOUT_TOPOLOGY, MESSAGING_OPTIONS],
    };
  }
}
