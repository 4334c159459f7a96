import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@fanout/contracts';
import { startNats, startNatsCluster, type NatsServer } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awaitTopology } from './await-topology';
import { ensureTopology } from './ensure-topology';
import { topologyFromEnv } from './topology-options';

let counter = 0;
const freshPrefix = () => `topo${++counter}`;

describe('ensureTopology on a real nats-server', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  let jsm: JetStreamManager;
  beforeAll(async () => {
    nats = await startNats();
  });
  afterAll(async () => {
    await nats?.stop();
  });
  beforeEach(async () => {
    connection = await connect({ servers: nats.url });
    jsm = await jetstreamManager(connection);
  });
  afterEach(async () => {
    await connection.close();
  });

  it('creates every stream and bucket of the design, with their retention and limits', async () => {
    const names = subjects(freshPrefix());
    const topology = await ensureTopology(connection, { prefix: names.prefix });

    const streams = Object.values(names.streams);
    expect(topology.streams.sort()).toEqual([...streams].sort());
    expect(topology.buckets.sort()).toEqual(Object.values(names.buckets).sort());
    const commands = (await jsm.streams.info(names.streams.commands)).config;
    expect(commands).toMatchObject({
      subjects: names.commandStreamSubjects('commands'),
      retention: 'workqueue',
      discard: 'new',
      max_msgs: 10_000,
    });
    expect((await jsm.streams.info(names.streams.reports)).config).toMatchObject({
      subjects: names.commandStreamSubjects('reports'),
      retention: 'workqueue',
      discard: 'new',
      max_msgs: 1_000_000,
    });
    expect((await jsm.streams.info(names.streams.tasks)).config.retention).toBe('workqueue');
    const events = (await jsm.streams.info(names.streams.events)).config;
    // A live workflow's log is never aged out: the orchestrator purges logs after they end,
    // and the stream's own limit is only a backstop of a week.
    expect(events).toMatchObject({ retention: 'limits', max_age: nanos(7 * 86_400_000) });
    expect(events.compression ?? 'none').toBe(topology.features.compression ? 's2' : 'none');
    const errors = (await jsm.streams.info(names.streams.errors)).config;
    expect(errors.subjects).toEqual([names.errors(), names.deadLetters()]);

    const present = new Set<string>();
    for await (const name of jsm.streams.names()) present.add(name);
    for (const bucket of [names.buckets.workflows, names.buckets.leases]) {
      expect(present).toContain(`KV_${bucket}`);
    }
    expect(present).toContain(`OBJ_${names.buckets.payloads}`);
    expect(present).toContain(`OBJ_${names.buckets.results}`);
  });

  it('is idempotent: a second call succeeds and keeps what the streams hold', async () => {
    const prefix = freshPrefix();
    const names = subjects(prefix);
    await ensureTopology(connection, { prefix });
    await jetstream(connection).publish(names.command('workflow.cancel', 1), '{}');

    await expect(ensureTopology(connection, { prefix })).resolves.toMatchObject({
      streams: expect.arrayContaining([names.streams.commands]),
    });
    expect((await jsm.streams.info(names.streams.commands)).state.messages).toBe(1);
  });

  it('applies a changed limit to the stream that exists', async () => {
    const prefix = freshPrefix();
    const names = subjects(prefix);
    await ensureTopology(connection, { prefix, commands: { maxMsgs: 10 } });
    expect((await jsm.streams.info(names.streams.commands)).config.max_msgs).toBe(10);

    const twoHours = 7_200_000;
    await ensureTopology(connection, {
      prefix,
      commands: { maxMsgs: 25 },
      events: { maxAgeMs: twoHours },
    });
    expect((await jsm.streams.info(names.streams.commands)).config.max_msgs).toBe(25);
    expect((await jsm.streams.info(names.streams.events)).config.max_age).toBe(nanos(twoHours));
  });

  it('refuses, naming the stream and both retentions, when a stream exists with another retention', async () => {
    const names = subjects(freshPrefix());
    await jsm.streams.add({
      name: names.streams.commands,
      subjects: [names.commands()],
      retention: 'limits',
      storage: 'file',
    });
    await expect(ensureTopology(connection, { prefix: names.prefix })).rejects.toThrow(
      `stream ${names.streams.commands} exists with retention limits/file, but Fanout needs workqueue/file`,
    );
  });

  it(
    'keeps every stream and bucket on 3 nodes of a cluster with FANOUT_STREAM_REPLICAS=3',
    { timeout: 60_000 },
    async () => {
      const cluster = await startNatsCluster(3);
      const clustered = await connect({ servers: cluster.urls });
      try {
        await cluster.waitForLeader();
        const names = subjects(freshPrefix());
        const topology = topologyFromEnv({ FANOUT_STREAM_REPLICAS: '3' });
        await ensureTopology(clustered, { ...topology, prefix: names.prefix });
        const clusterJsm = await jetstreamManager(clustered);
        const replicas: Record<string, number> = {};
        for await (const info of clusterJsm.streams.list()) {
          replicas[info.config.name] = info.config.num_replicas;
        }
        const expected = [
          ...Object.values(names.streams),
          `KV_${names.buckets.workflows}`,
          `KV_${names.buckets.leases}`,
          `KV_${names.buckets.toolCache}`,
          `OBJ_${names.buckets.payloads}`,
          `OBJ_${names.buckets.results}`,
        ];
        for (const stream of expected) expect([stream, replicas[stream]]).toEqual([stream, 3]);
      } finally {
        await clustered.close();
        await cluster.stop();
      }
    },
  );

  it('awaits the topology without changing it: resolves once another service has made it', async () => {
    const prefix = freshPrefix();
    const waiting: string[] = [];
    let done = false;
    const awaited = awaitTopology(
      connection,
      { prefix },
      { info: (m) => waiting.push(m), warn: (m) => waiting.push(m) },
    ).then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(done).toBe(false);
    expect(waiting[0]).toMatch(
      new RegExp(`waiting for stream ${subjects(prefix).streams.commands}`),
    );
    await ensureTopology(connection, { prefix });
    await awaited;
    expect(done).toBe(true);
  });
});

describe('topologyFromEnv', () => {
  it('reads FANOUT_TOPOLOGY as ensure or await, and names it when it is neither', () => {
    expect(topologyFromEnv({ FANOUT_TOPOLOGY: 'await' }).mode).toBe('await');
    expect(() => topologyFromEnv({ FANOUT_TOPOLOGY: 'wait' })).toThrow(/FANOUT_TOPOLOGY "wait"/);
  });

  it('reads the retention as a duration and the replicas as a count', () => {
    expect(topologyFromEnv({ FANOUT_EVENT_RETENTION: '10s', FANOUT_STREAM_REPLICAS: '3' })).toEqual(
      {
        events: { retentionMs: 10_000 },
        replicas: 3,
      },
    );
    expect(topologyFromEnv({ FANOUT_EVENT_RETENTION: '1h' })).toEqual({
      events: { retentionMs: 3_600_000 },
    });
    expect(topologyFromEnv({})).toEqual({});
  });

  it.each([
    [{ FANOUT_EVENT_RETENTION: 'an hour' }, /FANOUT_EVENT_RETENTION "an hour" is not a duration/],
    [
      { FANOUT_EVENT_RETENTION: '10ms' },
      /FANOUT_EVENT_RETENTION "10ms" is not a duration of a second or more/,
    ],
    [{ FANOUT_STREAM_REPLICAS: '2.5' }, /FANOUT_STREAM_REPLICAS "2.5" is not a number of replicas/],
    [{ FANOUT_STREAM_REPLICAS: '7' }, /FANOUT_STREAM_REPLICAS "7"/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => topologyFromEnv(env)).toThrow(message);
  });
});
