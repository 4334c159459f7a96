import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { FANOUT_SUBJECTS, NATS_CONNECTION, serve, type Responder } from '@fanout/messaging';
import type { Subjects } from '@fanout/contracts';
import { forwardEndpoint, type Connection } from './ports.factory';
import { WorkflowRunner } from './workflow-runner';

/**
 * Answers commands that other replicas received for workflows this one owns. Without it,
 * a command landing on the wrong replica could only be redelivered and hope for better.
 */
@Injectable()
export class ForwardResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private responder?: Responder;

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: Connection,
    @Inject(FANOUT_SUBJECTS) private readonly names: Subjects,
    @Inject(WorkflowRunner) private readonly runner: WorkflowRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.responder = await serve(
      this.connection,
      forwardEndpoint(this.runner.instance),
      async (command) => {
        await this.runner.acceptForwarded(command);
        return { ok: true };
      },
      { names: this.names, queue: null },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.responder?.stop();
  }
}
