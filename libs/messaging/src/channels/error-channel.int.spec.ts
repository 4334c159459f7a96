import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { ErrorRecord } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { DeadLetterNotFoundError } from '../errors';
import { DeadLetters } from './dead-letters';
import { ErrorChannel } from './error-channel';
import { PriorityConsumer, type PriorityConsumerOptions } from './priority-consumer';
import { TaskQueue, taskLevels } from './task-queue';
import { channelHarness, envelope, gate, testConnection } from '../testing/fixtures';

const failure = (service: string, kind: string, message: string): ErrorRecord => ({
  service,
  kind,
  at: Date.now(),
  error: {
    code: 'TOOL_FAILED',
    message,
    retryable: false,
    cause: { code: 'INTERNAL', message: 'root cause', retryable: false },
  },
});

describe('the error channel and dead letters on a real nats-server', () => {
  const harness = channelHarness('errors');
  const { cleanup } = harness;

  it('reads records back with their cause chain, by service and kind', async () => {
    const channel = new ErrorChannel(harness.connection, harness.names);
    await channel.record(failure('web-worker', 'tool', 'fetch failed'));
    await channel.record(failure('bash-worker', 'tool', 'exit 1'));
    await channel.record(failure('web-worker', 'invalid-message', 'bad json'));

    const web = await channel.read({ service: 'web-worker' });
    expect(web.map((r) => r.record.error.message)).toEqual(['fetch failed', 'bad json']);
    expect(web[0]!.record.error.cause?.message).toBe('root cause');
    const tools = await channel.read({ kind: 'tool' });
    expect(tools.map((r) => r.record.service)).toEqual(['web-worker', 'bash-worker']);
    expect(await channel.read()).toHaveLength(3);
  });

  it('follows new records as they are recorded', async () => {
    const channel = new ErrorChannel(harness.connection, harness.names);
    await channel.record(failure('old', 'tool', 'before'));
    const subscription = await channel.subscribe();
    await channel.record(failure('new', 'tool', 'after'));
    for await (const stored of subscription) {
      expect(stored.record.error.message).toBe('after');
      break;
    }
  });

  /** A `noop` worker whose handler fails while `failing` is true, with dead letters on. */
  async function worker(overrides: Partial<PriorityConsumerOptions> = {}, on = harness.connection) {
    const letters = new DeadLetters(on, harness.names);
    const state = { failing: true, handled: [] as string[], reported: [] as string[] };
    const consumer = await PriorityConsumer.create(on, {
      stream: harness.names.streams.tasks,
      levels: taskLevels(harness.names, 'noop'),
      concurrency: 2,
      maxDeliver: 2,
      backoffMs: [20],
      deadLetter: letters.sink,
      onError: (error) => state.reported.push(error.message),
      ...overrides,
    });
    cleanup.push(() => consumer.stop());
    return { letters, state, consumer };
  }

  it('dead-letters a task that failed every delivery, removes it from its queue, and retries it', async () => {
    const { letters, state, consumer } = await worker();
    consumer.start(async (message) => {
      if (state.failing) throw new Error('tool exploded');
      state.handled.push(message.json<{ taskId: string }>().taskId);
      message.ack();
    });
    await new TaskQueue(harness.connection, harness.names).dispatch(envelope(7));

    await expect.poll(async () => (await letters.list('noop')).length).toBe(1);
    const [dead] = await letters.list();
    expect(dead!.letter).toMatchObject({
      tool: 'noop',
      deliveries: 2,
      envelope: { taskId: 'phase/task-7', attempt: 1 },
      lastError: { message: 'tool exploded' },
    });
    const jsm = await jetstreamManager(harness.connection);
    await expect
      .poll(async () => (await jsm.streams.info(harness.names.streams.tasks)).state.messages)
      .toBe(0);

    expect(state.reported).toContainEqual(expect.stringContaining('tool exploded'));

    state.failing = false;
    await letters.retry(dead!.seq);
    await expect.poll(() => state.handled).toEqual(['phase/task-7']);
    expect(await letters.list()).toEqual([]);
  });

  it('discards a dead letter for good, and says so when it is already gone', async () => {
    const { letters, consumer } = await worker();
    consumer.start(async () => {
      throw new Error('always');
    });
    await new TaskQueue(harness.connection, harness.names).dispatch(envelope(1));
    await expect.poll(async () => (await letters.list()).length).toBe(1);
    const [dead] = await letters.list();

    await letters.discard(dead!.seq);
    expect(await letters.list()).toEqual([]);
    await expect(letters.discard(dead!.seq)).rejects.toBeInstanceOf(DeadLetterNotFoundError);
  });

  it('dead-letters, without running it again, a task whose consumer died on its last delivery', async () => {
    const doomed = await testConnection(harness.nats.url);
    const hang = gate();
    const first = await worker({ maxDeliver: 1, ackWaitMs: 1_000, heartbeatMs: 200 }, doomed);
    cleanup.push(async () => hang.open()); // before first.stop(), which waits for its handler
    const runs: string[] = [];
    first.consumer.start(async () => {
      runs.push('first');
      await hang.promise;
    });
    await new TaskQueue(harness.connection, harness.names).dispatch(envelope(3));
    await expect.poll(() => runs).toEqual(['first']);
    await doomed.close();

    const second = await worker({ maxDeliver: 1, ackWaitMs: 1_000, heartbeatMs: 200 });
    second.consumer.start(async () => {
      runs.push('second');
    });
    await expect.poll(async () => (await second.letters.list()).length, { timeout: 5_000 }).toBe(1);
    const [dead] = await second.letters.list();
    expect(dead!.letter.deliveries).toBe(2);
    expect(dead!.letter.lastError?.code).toBe('DELIVERIES_EXHAUSTED');
    expect(runs).toEqual(['first']);
  });

  it('records on the error channel an exhausted task message that is not a valid envelope', async () => {
    const { consumer } = await worker({ maxDeliver: 1 });
    consumer.start(async () => {
      throw new Error('cannot read it');
    });
    const subject = harness.names.task('noop', 2);
    await jetstream(harness.connection).publish(subject, '{"not":"an envelope"}');

    const channel = new ErrorChannel(harness.connection, harness.names);
    await expect.poll(async () => (await channel.read({ kind: 'invalid-task' })).length).toBe(1);
    const [stored] = await channel.read({ kind: 'invalid-task' });
    expect(stored!.record).toMatchObject({
      subject,
      payload: '{"not":"an envelope"}',
      error: { message: 'cannot read it', cause: { code: 'INVALID_MESSAGE' } },
    });
    const jsm = await jetstreamManager(harness.connection);
    await expect
      .poll(async () => (await jsm.streams.info(harness.names.streams.tasks)).state.messages)
      .toBe(0);
  });
});
