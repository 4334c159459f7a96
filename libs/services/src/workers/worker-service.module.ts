import { Module, type DynamicModule } from '@nestjs/common';
import { MessagingModule, type NatsConfig, type TopologyInput } from '@fanout/messaging';
import type { FanoutMetrics } from '@fanout/telemetry';
import { WorkerModule } from '@fanout/worker-kit';
import { WORKER_KINDS, type WorkerKind } from './worker-kinds';

/**
 * One worker service: worker-kit hosting one kind's tools over the application's one NATS
 * connection. It takes tasks once the application has booted and drains on shutdown
 * (`FANOUT_DRAIN_GRACE_MS`) before the connection is drained.
 */
@Module({})
export class WorkerServiceModule {
  /**
   * `nats` and `topology` default to the environment (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`,
   * …); `pools`, the slots this host gives each tool (its family's share of the host),
   * default to the kind's reference sizes. `FANOUT_POOL_<TOOL>` overrides either.
   */
  static forRoot(
    kind: WorkerKind,
    settings: {
      nats?: NatsConfig;
      topology?: TopologyInput;
      pools?: Readonly<Record<string, number>>;
    } = {},
    metrics?: FanoutMetrics,
  ): DynamicModule {
    const { nats, topology, pools } = settings;
    return {
      module: WorkerServiceModule,
      imports: [
        MessagingModule.forRoot({
          ...(nats ? { config: nats } : {}),
          ...(topology ? { topology } : {}),
        }),
        WorkerModule.forRoot({
          service: kind,
          ...WORKER_KINDS[kind],
          ...(pools ? { defaultPools: pools } : {}),
          ...(metrics ? { metrics } : {}),
        }),
      ],
    };
  }
}
