import { Module } from '@nestjs/common';
import type { Subjects } from '@fanout/contracts';
import { FANOUT_SUBJECTS, MessagingModule, NATS_CONNECTION } from '@fanout/messaging';
import { CommandsController } from './commands/commands.controller';
import { orchestratorOptionsFromEnv, type OrchestratorOptions } from './orchestrator.options';
import { ForwardResponder } from './runner/forward-responder';
import { ORCHESTRATOR_OPTIONS, RUNNER_PORTS } from './runner/ports';
import { createRunnerPorts, type Connection } from './runner/ports.factory';
import { WorkflowRunner } from './runner/workflow-runner';

/** The orchestrator: the command bus in, the engine in the middle, the log and task queues out. */
@Module({
  imports: [MessagingModule.forRoot()],
  controllers: [CommandsController],
  providers: [
    { provide: ORCHESTRATOR_OPTIONS, useFactory: () => orchestratorOptionsFromEnv() },
    {
      provide: RUNNER_PORTS,
      useFactory: (connection: Connection, names: Subjects, options: OrchestratorOptions) =>
        createRunnerPorts(connection, names, options),
      inject: [NATS_CONNECTION, FANOUT_SUBJECTS, ORCHESTRATOR_OPTIONS],
    },
    WorkflowRunner,
    ForwardResponder,
  ],
})
export class OrchestratorModule {}
