import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { lastValueFrom } from 'rxjs';
import { subjects, type CallTool, type Subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { natsConfigFromEnv } from '../connection/nats-config';
import { JetStreamClient } from './jetstream.client';
import type { JetStreamContext } from './jetstream.context';
import { JetStreamServer } from './jetstream.server';
import { MessagingModule } from './messaging.module';
import { FANOUT_SUBJECTS, NATS_CONNECTION } from './tokens';
import { callTool, uniquePrefix } from '../testing/transport-app';

describe('MessagingModule', () => {
  let nats: NatsServer;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });

  it('provides a connected NatsConnection with the streams ensured, and drains it when the app shuts down', async () => {
    const prefix = uniquePrefix('module');
    const app = await NestFactory.createApplicationContext(
      MessagingModule.forRoot({
        config: natsConfigFromEnv({ NATS_URL: nats.url }),
        topology: { prefix },
      }),
      { logger: false },
    );
    const connection = app.get<NatsConnection>(NATS_CONNECTION);
    const names = app.get<Subjects>(FANOUT_SUBJECTS);
    const jsm = await jetstreamManager(connection);
    const streams: string[] = [];
    for await (const stream of jsm.streams.list()) streams.push(stream.config.name);

    expect(names.prefix).toBe(prefix);
    expect(streams).toEqual(expect.arrayContaining(Object.values(subjects(prefix).streams)));
    expect(connection.isClosed()).toBe(false);

    await app.close();
    expect(connection.isClosed()).toBe(true);
  });

  it("lets a microservice's transport borrow the module's connection through an async factory", async () => {
    const prefix = uniquePrefix('borrowed');
    const handled: string[] = [];

    @Controller()
    class Worker {
      @EventPattern<string>('task.call')
      call(@Payload() command: CallTool, @Ctx() _context: JetStreamContext): void {
        handled.push(command.commandId);
      }
    }
    @Module({
      imports: [
        MessagingModule.forRoot({
          config: natsConfigFromEnv({ NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: prefix }),
        }),
      ],
      controllers: [Worker],
    })
    class WorkerModule {}

    const app = await NestFactory.createMicroservice(WorkerModule, {
      inject: [NATS_CONNECTION],
      useFactory: (connection: NatsConnection) => ({
        strategy: new JetStreamServer({ connection, service: 'worker', prefix }),
      }),
      logger: false,
    });
    await app.listen();
    const connection = app.get<NatsConnection>(NATS_CONNECTION);
    const client = new JetStreamClient({ connection, prefix });
    try {
      await lastValueFrom(client.emit('task.call', callTool('borrowed-1')));
      await expect.poll(() => handled).toEqual(['borrowed-1']);
    } finally {
      await app.close();
    }
    expect(connection.isClosed()).toBe(true);
  });
});
