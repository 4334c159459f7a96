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
  /** `nats` and `topology` default to the environment (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`, …). */
  static forRoot(
    kind: WorkerKind,
    nats?: NatsConfig,
    topology?: TopologyInput,
    metrics?: FanoutMetrics,
  ): DynamicModule {
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
          ...(metrics ? { metrics } : {}),
        }),
      ],
    };
  }
}
