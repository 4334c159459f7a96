import { Module, type DynamicModule } from '@nestjs/common';
import type { Subjects } from '@fanout/contracts';
import {
  FANOUT_SUBJECTS,
  MessagingModule,
  NATS_CONNECTION,
  type NatsConfig,
  type TopologyInput,
} from '@fanout/messaging';
import { CommandsController } from './commands/commands.controller';
import { OrchestratorVitals } from './orchestrator-vitals';
import { orchestratorOptionsFromEnv, type OrchestratorOptions } from './orchestrator.options';
import { ForwardResponder } from './runner/forward-responder';
import { ORCHESTRATOR_OPTIONS, RUNNER_PORTS } from './runner/ports';
import { createRunnerPorts, type Connection } from './runner/ports.factory';
import { WorkflowRunner } from './runner/workflow-runner';

/** What an orchestrator is built from; both default to the environment. */
export interface OrchestratorModuleOptions {
  /** Where NATS is. Default: `NATS_URL` and friends (`natsConfigFromEnv`). */
  nats?: NatsConfig;
  /** Leases, timers and concurrency. Default: `FANOUT_ORCHESTRATOR_*`. */
  orchestrator?: OrchestratorOptions;
  /** Retention and replicas of the streams. Default: `FANOUT_EVENT_RETENTION` and friends. */
  topology?: TopologyInput;
}

/** The orchestrator: the command bus in, the engine in the middle, the log and task queues out. */
@Module({})
export class OrchestratorModule {
  static forRoot(options: OrchestratorModuleOptions = {}): DynamicModule {
    return {
      module: OrchestratorModule,
      imports: [
        MessagingModule.forRoot({
          ...(options.nats ? { config: options.nats } : {}),
          ...(options.topology ? { topology: options.topology } : {}),
        }),
      ],
      controllers: [CommandsController],
      providers: [
        {
          provide: ORCHESTRATOR_OPTIONS,
          useFactory: () => options.orchestrator ?? orchestratorOptionsFromEnv(),
        },
        {
          provide: RUNNER_PORTS,
          useFactory: (connection: Connection, names: Subjects, resolved: OrchestratorOptions) =>
            createRunnerPorts(connection, names, resolved),
          inject: [NATS_CONNECTION, FANOUT_SUBJECTS, ORCHESTRATOR_OPTIONS],
        },
        WorkflowRunner,
        ForwardResponder,
        OrchestratorVitals,
      ],
    };
  }
}
