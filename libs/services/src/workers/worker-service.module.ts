import { Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { MessagingModule, type NatsConfig, type TopologyInput } from '@fanout/messaging';
import type { FanoutMetrics } from '@fanout/telemetry';
import { WorkerModule, type WorkerModuleOptions } from '@fanout/worker-kit';
import { WORKER_KINDS, type BuiltTools, type WorkerKind } from './worker-kinds';

/**
 * Closes the tools' own resources at shutdown. Nest runs every `beforeApplicationShutdown`
 * (the worker's drain) before any `onApplicationShutdown`, so no task still uses them.
 */
class ToolsCloser implements OnApplicationShutdown {
  constructor(private readonly close: () => Promise<void>) {}

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }
}

/**
 * One worker service: worker-kit hosting one kind's tools over the application's one NATS
 * connection. It takes tasks once the application has booted and drains on shutdown
 * (`FANOUT_DRAIN_GRACE_MS`) before the tools and the connection are closed.
 */
@Module({})
export class WorkerServiceModule {
  /**
   * `tools` (and their `shares` and `close`) are the kind's, built over the settings its
   * boot read. `nats` and `topology` default to the environment (`NATS_URL`,
   * `FANOUT_SUBJECT_PREFIX`, …); `pools`, the slots this host gives each tool (its family's
   * share of the host), default to the kind's reference sizes. `FANOUT_POOL_<TOOL>`
   * overrides either.
   */
  static forRoot(
    kind: WorkerKind,
    settings: Pick<WorkerModuleOptions, 'tools' | 'shares'> &
      Pick<BuiltTools, 'close'> & {
        nats?: NatsConfig;
        topology?: TopologyInput;
        pools?: Readonly<Record<string, number>>;
      },
    metrics?: FanoutMetrics,
  ): DynamicModule {
    const { tools, shares, close, nats, topology, pools } = settings;
    return {
      module: WorkerServiceModule,
      imports: [
        MessagingModule.forRoot({
          ...(nats ? { config: nats } : {}),
          ...(topology ? { topology } : {}),
        }),
        WorkerModule.forRoot({
          service: kind,
          tools,
          ...(shares ? { shares } : {}),
          defaultPools: pools ?? WORKER_KINDS[kind].defaultPools,
          ...(metrics ? { metrics } : {}),
        }),
      ],
      providers: close ? [{ provide: ToolsCloser, useValue: new ToolsCloser(close) }] : [],
    };
  }
}
