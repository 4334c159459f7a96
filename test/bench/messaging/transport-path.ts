import { Controller, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import type { CallTool } from '@fanout/contracts';
import {
  JetStreamClient,
  JetStreamExceptionFilter,
  JetStreamServer,
  ensureTopology,
} from '@fanout/messaging';
import { ReplyWaiter, type RoundTripPath } from './round-trip';

const REPLY = Symbol('bench reply');
interface Reply {
  connection: NatsConnection;
  inbox: string;
}

/** A handler as a service writes it; it answers on the bench's inbox and returns. */
@Controller()
class BenchController {
  constructor(@Inject(REPLY) private readonly reply: Reply) {}

  @EventPattern<string>('task.call')
  call(@Payload() command: CallTool): void {
    this.reply.connection.publish(this.reply.inbox, command.commandId);
  }
}

/**
 * The path under test: `JetStreamClient.emit` (validation, dedup id, trace headers) to a
 * real Nest microservice on `JetStreamServer` (priority consumer, decode and validation,
 * Nest's handler pipeline, ack).
 */
export async function transportPath(
  service: NatsConnection,
  publisher: NatsConnection,
  command: (n: number) => CallTool,
  concurrency: number,
): Promise<RoundTripPath> {
  const prefix = 'benchtx';
  await ensureTopology(service, { prefix });
  const inbox = createInbox();
  const replies = new ReplyWaiter();
  const subscription = publisher.subscribe(inbox, {
    callback: (_error, message) => replies.arrived(message.string()),
  });

  @Module({
    controllers: [BenchController],
    providers: [{ provide: REPLY, useValue: { connection: service, inbox } satisfies Reply }],
  })
  class BenchModule {}
  const app = await NestFactory.createMicroservice(BenchModule, {
    strategy: new JetStreamServer({
      connection: service,
      service: 'bench',
      prefix,
      commands: { concurrency },
    }),
    logger: ['error', 'warn'],
  });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  await app.listen();
  const client = new JetStreamClient({ connection: publisher, prefix });

  return {
    name: 'nest transport',
    async roundTrip(n) {
      const sent = command(n);
      const reply = replies.expect(sent.commandId);
      await lastValueFrom(client.emit('task.call', sent));
      await reply;
    },
    async close() {
      await app.close();
      await client.close();
      subscription.unsubscribe();
    },
  };
}
