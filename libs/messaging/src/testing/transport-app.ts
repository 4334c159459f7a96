import { Controller, Inject, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import type { NatsConnection } from '@nats-io/transport-node';
import type { CallTool, CancelWorkflow, ReportTask } from '@fanout/contracts';
import { JetStreamExceptionFilter } from '../nest/jetstream-exception.filter';
import type { JetStreamContext } from '../nest/jetstream.context';
import type { JetStreamServerOptions } from '../nest/jetstream.options';
import { JetStreamServer } from '../nest/jetstream.server';

/** What the test app's handlers do; each test says it. Unset handlers throw. */
export interface Behaviour {
  call?: (command: CallTool, context: JetStreamContext) => Promise<unknown> | unknown;
  cancel?: (command: CancelWorkflow, context: JetStreamContext) => Promise<unknown> | unknown;
  report?: (command: ReportTask, context: JetStreamContext) => Promise<unknown> | unknown;
  echo?: (data: unknown) => Promise<unknown> | unknown;
}

const BEHAVIOUR = Symbol('test behaviour');

function unset(name: string): never {
  throw new Error(`the test gave no '${name}' behaviour`);
}

/** A controller as services write them: Nest's decorators, the transport's extras. */
@Controller()
class ProbeController {
  constructor(@Inject(BEHAVIOUR) private readonly behaviour: Behaviour) {}

  @EventPattern<string>('task.call')
  call(@Payload() command: CallTool, @Ctx() context: JetStreamContext): unknown {
    return (this.behaviour.call ?? (() => unset('call')))(command, context);
  }

  @EventPattern<string>('workflow.cancel', { concurrency: 1 })
  cancel(@Payload() command: CancelWorkflow, @Ctx() context: JetStreamContext): unknown {
    return (this.behaviour.cancel ?? (() => unset('cancel')))(command, context);
  }

  @EventPattern<string>('task.report')
  report(@Payload() command: ReportTask, @Ctx() context: JetStreamContext): unknown {
    return (this.behaviour.report ?? (() => unset('report')))(command, context);
  }

  @MessagePattern('probe.echo')
  echo(data: unknown): unknown {
    return (this.behaviour.echo ?? (() => unset('echo')))(data);
  }
}

/**
 * Starts a real Nest microservice on the JetStream transport, over a lent connection, with
 * the exception filter services register. Close it with `app.close()`.
 */
export async function startProbeApp(
  connection: NatsConnection,
  behaviour: Behaviour,
  options: Omit<JetStreamServerOptions, 'connection' | 'service'> & { service?: string },
): Promise<INestMicroservice> {
  @Module({
    controllers: [ProbeController],
    providers: [{ provide: BEHAVIOUR, useValue: behaviour }],
  })
  class ProbeModule {}
  const server = new JetStreamServer({ service: 'probe', ...options, connection });
  const app = await NestFactory.createMicroservice(ProbeModule, {
    strategy: server,
    logger: ['error'],
  });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  await app.listen();
  return app;
}

let counter = 0;
/** A prefix no other test uses, so its streams and consumers are its own. */
export function uniquePrefix(name: string): string {
  counter += 1;
  return `t${process.pid}${counter}${name}`.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A valid `task.call` command. */
export function callTool(commandId: string, input: Record<string, unknown> = {}): CallTool {
  return {
    type: 'task.call',
    commandId,
    workflowId: `wf-${commandId}`,
    tool: 'noop',
    input,
    priority: 2,
  };
}
