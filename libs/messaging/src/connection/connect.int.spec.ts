import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectNats } from './connect';
import { natsConfigFromEnv } from './nats-config';

describe('a connection to a real nats-server', () => {
  let nats: NatsServer;
  beforeEach(async () => {
    nats = await startNats();
  });
  afterEach(async () => {
    await nats.stop();
  });

  it('publishes to a JetStream stream, consumes, acks, and the stream is left empty', async () => {
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    try {
      const jsm = await jetstreamManager(connection);
      await jsm.streams.add({
        name: 'ROUNDTRIP',
        subjects: ['roundtrip.>'],
        retention: 'workqueue',
      });
      const js = jetstream(connection);
      const sent = ['first', 'second', 'third'];
      for (const [index, text] of sent.entries()) {
        const ack = await js.publish(`roundtrip.${index}`, text);
        expect(ack.seq).toBe(index + 1);
      }
      await jsm.consumers.add('ROUNDTRIP', { durable_name: 'reader', ack_policy: 'explicit' });
      const consumer = await js.consumers.get('ROUNDTRIP', 'reader');
      const received: string[] = [];
      const batch = await consumer.fetch({ max_messages: 3, expires: 2_000 });
      for await (const message of batch) {
        received.push(message.string());
        await message.ackAck();
      }
      expect(received).toEqual(sent);
      // Work-queue retention: acked messages are gone from the stream.
      expect((await jsm.streams.info('ROUNDTRIP')).state.messages).toBe(0);
    } finally {
      await connection.close();
    }
  });

  it('answers requests by their replies, and still fails one nobody answers or that times out', async () => {
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    try {
      const echo = connection.subscribe('echo');
      void (async () => {
        for await (const message of echo) message.respond(`re: ${message.string()}`);
      })();
      const replies = await Promise.all(
        ['a', 'b', 'c'].map((text) => connection.request('echo', text, { timeout: 2_000 })),
      );
      expect(replies.map((reply) => reply.string())).toEqual(['re: a', 're: b', 're: c']);
      // Settled and unregistered: nothing is left waiting on a reply.
      await connection.flush();
      const refused = await connection.request('nobody.here', 'x', { timeout: 2_000 }).then(
        () => undefined,
        (error: unknown) => error as { isNoResponders?: () => boolean },
      );
      expect(refused?.isNoResponders?.()).toBe(true);
      connection.subscribe('silent');
      await expect(connection.request('silent', 'x', { timeout: 200 })).rejects.toMatchObject({
        name: 'TimeoutError',
      });
    } finally {
      await connection.close();
    }
  });

  it('fails a publish while the server is dead, reconnects after its restart, and keeps what was acked', async ({
    skip,
  }) => {
    if (!nats.canKill) skip('NATS_URL is set: the server is not ours to kill');
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    const statuses: string[] = [];
    void (async () => {
      for await (const status of connection.status()) statuses.push(status.type);
    })();
    try {
      const jsm = await jetstreamManager(connection);
      await jsm.streams.add({ name: 'DURABLE', subjects: ['durable.>'] });
      const js = jetstream(connection);
      await js.publish('durable.before', 'accepted');

      await nats.kill();
      await expect(js.publish('durable.during', 'lost', { timeout: 1_000 })).rejects.toThrow();
      await expect.poll(() => statuses, { timeout: 5_000 }).toContain('disconnect');

      await nats.restart();
      await expect.poll(() => statuses, { timeout: 15_000 }).toContain('reconnect');
      const ack = await js.publish('durable.after', 'accepted too');
      expect(ack.seq).toBe(2);
      const stored = await jsm.streams.getMessage('DURABLE', { seq: 1 });
      expect(stored?.string()).toBe('accepted');
    } finally {
      await connection.close();
    }
  });
});
