import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Subjects } from '@fanout/contracts';
import { FANOUT_SUBJECTS, MetricsBus, NATS_CONNECTION } from '@fanout/messaging';
import { heartbeatPublisher, ServiceVitals } from '@fanout/worker-kit';
import type { OrchestratorOptions } from './orchestrator.options';
import { ORCHESTRATOR_OPTIONS } from './runner/ports';
import type { Connection } from './runner/ports.factory';
import { WorkflowRunner } from './runner/workflow-runner';

/** How often the orchestrator says it is alive, as every service does. */
const VITALS_EVERY_MS = 5_000;

/**
 * The orchestrator's signs of life, like a worker's: a heartbeat and a load snapshot every
 * 5 s, so `fanout status` lists it and a monitor can tell it died. Its one "pool" is the
 * workflows it owns right now.
 */
@Injectable()
export class OrchestratorVitals implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly vitals: ServiceVitals;

  constructor(
    @Inject(NATS_CONNECTION) connection: Connection,
    @Inject(FANOUT_SUBJECTS) names: Subjects,
    @Inject(ORCHESTRATOR_OPTIONS) options: OrchestratorOptions,
    @Inject(WorkflowRunner) runner: WorkflowRunner,
  ) {
    const logger = new Logger('OrchestratorVitals');
    this.vitals = new ServiceVitals(
      {
        service: 'orchestrator',
        instance: options.instance,
        pools: () => {
          const owned = runner.ownedIds().length;
          return [{ pool: 'workflows', size: owned, busy: owned }];
        },
      },
      new MetricsBus(connection, names),
      heartbeatPublisher(connection, names),
      VITALS_EVERY_MS,
      { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
    );
  }

  onApplicationBootstrap(): void {
    this.vitals.start();
    this.vitals.enter('ready');
  }

  /** Before the connection drains, so the last snapshot still goes out. */
  beforeApplicationShutdown(): void {
    this.vitals.enter('draining');
    this.vitals.stop();
  }
}
