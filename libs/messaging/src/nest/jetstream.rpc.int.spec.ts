import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom } from 'rxjs';
import { subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../connection/connect';
import { natsConfigFromEnv } from '../connection/nats-config';
import { ensureTopology } from '../topology/ensure-topology';
import { JetStreamClient } from './jetstream.client';
import { RemoteError } from '../errors';
import { startProbeApp, uniquePrefix, type Behaviour } from '../testing/transport-app';

describe('the JetStream transport for request/response', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  let app: INestMicroservice | undefined;
  let client: JetStreamClient | undefined;

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  });
  afterEach(async () => {
    await app?.close();
    await client?.close();
    app = undefined;
    client = undefined;
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  async function setUp(name: string, behaviour: Behaviour, timeoutMs = 2_000) {
    const prefix = uniquePrefix(name);
    await ensureTopology(connection, { prefix });
    app = await startProbeApp(connection, behaviour, { prefix });
    client = new JetStreamClient({ connection, prefix, timeoutMs });
    return { names: subjects(prefix), client };
  }

  it('answers a @MessagePattern request on <prefix>.rpc.<service>.<method> with the handler result', async () => {
    const { names, client } = await setUp('echo', {
      echo: async (data) => ({ echoed: data }),
    });

    const reply = await firstValueFrom(client.send('probe.echo', { text: 'hi', n: 2 }));
    expect(reply).toEqual({ echoed: { text: 'hi', n: 2 } });

    // Any NATS client can call it: JSON in, JSON out, on the documented subject.
    const raw = await connection.request(names.rpc('probe', 'echo'), JSON.stringify(['raw']));
    expect(raw.json()).toEqual({ echoed: ['raw'] });
    expect(raw.headers?.get('Fanout-Error') ?? '').toBe('');
  });

  it('replies null for a handler that returns nothing', async () => {
    const { client } = await setUp('void', { echo: () => undefined });
    await expect(firstValueFrom(client.send('probe.echo', {}))).resolves.toBeNull();
  });

  it("returns a handler's failure as RemoteError carrying its FanoutError code, retryable flag and cause", async () => {
    const { names, client } = await setUp('fail', {
      echo: () => {
        throw Object.assign(
          new Error('lease is held elsewhere', { cause: new Error('revision 7') }),
          {
            code: 'LEASE_TAKEN',
            retryable: true,
          },
        );
      },
    });

    const failure = await firstValueFrom(client.send('probe.echo', {})).catch(
      (error: unknown) => error,
    );

    expect(failure).toBeInstanceOf(RemoteError);
    expect(failure).toMatchObject({
      code: 'LEASE_TAKEN',
      retryable: true,
      message: `${names.rpc('probe', 'echo')} answered LEASE_TAKEN: lease is held elsewhere`,
      error: { cause: { code: 'INTERNAL', message: 'revision 7' } },
    });
  });

  it('times out cleanly with a TIMEOUT RemoteError naming the subject and the wait', async () => {
    let release: () => void = () => undefined;
    const { names, client } = await setUp(
      'slow',
      { echo: () => new Promise<void>((resolve) => (release = resolve)) },
      300,
    );

    const started = Date.now();
    const failure = await firstValueFrom(client.send('probe.echo', {})).catch(
      (error: unknown) => error,
    );
    release();

    const subject = names.rpc('probe', 'echo');
    expect(failure).toBeInstanceOf(RemoteError);
    expect(failure).toMatchObject({
      code: 'TIMEOUT',
      retryable: true,
      message: `${subject} answered TIMEOUT: no reply to ${subject} within 300 ms`,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('fails at once with a NO_RESPONDERS RemoteError when no service serves the method', async () => {
    const { names, client } = await setUp('absent', {});
    const failure = await firstValueFrom(client.send('nobody.home', {})).catch(
      (error: unknown) => error,
    );
    const subject = names.rpc('nobody', 'home');
    expect(failure).toBeInstanceOf(RemoteError);
    expect(failure).toMatchObject({
      code: 'NO_RESPONDERS',
      retryable: true,
      message: `${subject} answered NO_RESPONDERS: no service answers on ${subject}: is it running?`,
    });
  });
});
