import type { NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamMissingError } from '../errors';
import { CommandBus } from './command-bus';
import { DeadLetters } from './dead-letters';
import { EventStream } from './event-stream';
import { MetricsBus } from './metrics-bus';
import { testConnection } from '../testing/fixtures';

describe('channels on a nats-server with JetStream and none of Fanout’s streams', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  const names = subjects('nostreams');

  beforeAll(async () => {
    nats = await startNats();
    connection = await testConnection(nats.url);
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  it('a command publish says no stream holds its subject (the client alone says "jetstream is not enabled")', async () => {
    const publish = new CommandBus(connection, names).publish(
      { type: 'workflow.cancel', commandId: 'cancel-1', workflowId: 'wf-1', reason: 'test' },
      { priority: 3 },
    );
    await expect(publish).rejects.toThrow(StreamMissingError);
    await expect(publish).rejects.toMatchObject({
      where: { subject: names.command('workflow.cancel', 3) },
    });
  });

  it('reading events and dead letters says which stream is missing', async () => {
    await expect(
      new EventStream(connection, names).read({ workflowId: 'wf-1' }, 'all'),
    ).rejects.toMatchObject({
      name: 'StreamMissingError',
      where: { stream: names.streams.events },
    });
    const letters = new DeadLetters(connection, names);
    await expect(letters.list()).rejects.toMatchObject({
      where: { stream: names.streams.errors },
    });
    await expect(letters.retry(1)).rejects.toThrow(StreamMissingError);
  });

  it('the latest load snapshots are none', async () => {
    await expect(new MetricsBus(connection, names).latest()).resolves.toEqual([]);
  });
});
