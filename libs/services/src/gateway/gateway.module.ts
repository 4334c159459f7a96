import {
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FanoutClient } from '@fanout/client';
import { NATS_CONNECTION } from '@fanout/messaging';
import { GatewayApi } from './gateway-api';
import { GatewayServer } from './gateway-server';
import type { GatewayOptions } from './gateway.options';
import { WorkflowList } from './workflow-list';

const OPTIONS = Symbol('gateway options');

/** The gateway's life: follow the workflows, serve, and at the end stop both and let go of NATS. */
export class Gateway implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Gateway');
  private readonly workflows = new WorkflowList();
  private server: GatewayServer | undefined;

  constructor(
    @Inject(NATS_CONNECTION) private readonly client: FanoutClient,
    @Inject(OPTIONS) private readonly options: GatewayOptions,
  ) {}

  /** The URL the dashboard is on, once started. */
  get url(): string | undefined {
    return this.server?.url;
  }

  async onApplicationBootstrap(): Promise<void> {
    this.workflows.start(this.client);
    const jaeger = this.options.jaegerUrl ? { jaegerUrl: this.options.jaegerUrl } : {};
    const api = new GatewayApi(this.client, this.workflows, jaeger);
    this.server = await GatewayServer.start(this.options, api).catch((error: unknown) => {
      // Another Fanout on this machine serves its dashboard there: serve this one beside it.
      if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
      this.logger.warn(`port ${this.options.port} is taken; the dashboard takes a free one`);
      return GatewayServer.start({ ...this.options, port: 0 }, api);
    });
    this.logger.log(`dashboard on ${this.server.url}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    await this.workflows.stop();
    await this.client.close();
  }
}

/**
 * The gateway as a NestJS application: the client it reads and acts through (provided as
 * the service's connection, whose state the health endpoints report) and its server.
 */
@Module({})
export class GatewayModule {
  static forRoot(env: NodeJS.ProcessEnv, options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      providers: [
        { provide: OPTIONS, useValue: options },
        {
          provide: NATS_CONNECTION,
          // The same settings as every service: servers, prefix and credentials.
          useFactory: () => FanoutClient.connect({ env }),
        },
        Gateway,
      ],
      exports: [Gateway],
    };
  }
}
