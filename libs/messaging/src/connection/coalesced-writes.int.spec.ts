import { describe, expect, it } from 'vitest';
import { channelHarness } from '../testing/fixtures';
import { connectNats } from './connect';
import { natsConfigFromEnv } from './nats-config';

interface Transport {
  send(frame: Uint8Array): unknown;
}

describe('writes of a connection', () => {
  const harness = channelHarness('writes');

  it('sends what one turn of the event loop publishes in one write, however many microtasks it spans, and every message arrives', async () => {
    // Connected as every service connects, which installs the coalescing.
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: harness.nats.url }));
    harness.cleanup.push(() => connection.close());
    const subject = `${harness.names.prefix}.writes`;
    const received = connection.subscribe(subject, { max: 20 });
    await connection.flush();

    const transport = (connection as unknown as { protocol: { transport: Transport } }).protocol
      .transport;
    const writes: number[] = [];
    const send = transport.send.bind(transport);
    transport.send = (frame) => {
      writes.push(frame.length);
      return send(frame);
    };
    // As a service answers a batch: each publish one await after the last.
    for (let i = 0; i < 20; i++) {
      connection.publish(subject, `m${i}`);
      await Promise.resolve();
    }
    await new Promise((resolve) => setImmediate(resolve));
    transport.send = send;

    expect(writes).toHaveLength(1);
    const bodies: string[] = [];
    for await (const message of received) bodies.push(message.string());
    expect(bodies).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });
});
