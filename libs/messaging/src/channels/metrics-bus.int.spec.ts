import { jetstreamManager } from '@nats-io/jetstream';
import { LoadSnapshot } from '@fanout/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../errors';
import { MetricsBus } from './metrics-bus';
import { channelHarness } from '../testing/fixtures';

const snapshot = (service: string, instance: string): LoadSnapshot => ({
  service,
  instance,
  at: Date.now(),
  pools: [{ pool: 'grep', size: 24, busy: 3 }],
  cpuPercent: 12.5,
  rssBytes: 123_456_789,
  eventLoopDelayMs: { p50: 1, p99: 7 },
});

describe('MetricsBus on a real nats-server', () => {
  const harness = channelHarness('metrics');
  let bus: MetricsBus;
  beforeEach(() => {
    bus = new MetricsBus(harness.connection, harness.names);
  });

  it('delivers snapshots of the subscribed service only, and the stream keeps them', async () => {
    const subscription = await bus.subscribe({ service: 'web-worker' });
    bus.publish(snapshot('bash-worker', 'b1'));
    bus.publish(snapshot('web-worker', 'w1'));
    for await (const got of subscription) {
      expect(got).toMatchObject({ service: 'web-worker', instance: 'w1', pools: [{ busy: 3 }] });
      break;
    }
    const jsm = await jetstreamManager(harness.connection);
    await expect
      .poll(async () => (await jsm.streams.info(harness.names.streams.metrics)).state.messages)
      .toBe(2);
    const last = await jsm.streams.getMessage(harness.names.streams.metrics, {
      last_by_subj: harness.names.metrics('web-worker', 'w1'),
    });
    expect(LoadSnapshot.parse(last!.json())).toMatchObject({ instance: 'w1' });
  });

  it('latest() reads the last snapshot of every instance; follow() starts there and goes on live', async () => {
    const jsm = await jetstreamManager(harness.connection);
    bus.publish({ ...snapshot('web-worker', 'w1'), pools: [{ pool: 'fetch', size: 32, busy: 1 }] });
    bus.publish({ ...snapshot('web-worker', 'w1'), pools: [{ pool: 'fetch', size: 32, busy: 9 }] });
    bus.publish(snapshot('bash-worker', 'b1'));
    await expect
      .poll(async () => (await jsm.streams.info(harness.names.streams.metrics)).state.messages)
      .toBe(3);
    expect((await bus.latest()).map((s) => [s.instance, s.pools[0]?.busy])).toEqual([
      ['w1', 9],
      ['b1', 3],
    ]);
    const following = await bus.follow();
    const seen: LoadSnapshot[] = [];
    for await (const got of following) {
      seen.push(got);
      if (seen.length === 2) bus.publish(snapshot('code-worker', 'c1'));
      if (seen.length === 3) break;
    }
    expect(seen.map((s) => [s.instance, s.pools[0]?.busy])).toEqual([
      ['w1', 9],
      ['b1', 3],
      ['c1', 3],
    ]);
  });

  it('refuses an invalid snapshot at the publisher', () => {
    expect(() => bus.publish({ ...snapshot('s', 'i'), cpuPercent: -1 })).toThrow(
      InvalidMessageError,
    );
  });

  it('hands an invalid snapshot on the wire to onInvalid and keeps going', async () => {
    const invalid: string[] = [];
    const subscription = await bus.subscribe(
      {},
      { onInvalid: (error) => invalid.push(error.subject) },
    );
    harness.connection.publish(harness.names.metrics('rogue', 'r1'), '{"service":"rogue"}');
    bus.publish(snapshot('web-worker', 'w2'));
    for await (const got of subscription) {
      expect(got.instance).toBe('w2');
      break;
    }
    expect(invalid).toEqual([harness.names.metrics('rogue', 'r1')]);
  });
});
