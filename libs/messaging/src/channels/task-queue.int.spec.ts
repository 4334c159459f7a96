import { describe, expect, it } from 'vitest';
import { PriorityConsumer } from './priority-consumer';
import { TaskQueue, taskLevels } from './task-queue';
import { channelHarness, envelope } from '../testing/fixtures';

describe('TaskQueue on a real nats-server', () => {
  const harness = channelHarness('taskqueue');

  it('says what waits on a tool queue by priority, with the age of the oldest, and nothing for a tool nobody serves', async () => {
    const { connection, names } = harness;
    const queue = new TaskQueue(connection, names);
    expect(await queue.backlog('code.grep')).toEqual(
      [0, 1, 2, 3, 4].map((priority) => ({ priority, waiting: 0 })),
    );
    // A worker's durables exist (it started) but took nothing yet.
    const consumer = await PriorityConsumer.create(connection, {
      stream: names.streams.tasks,
      levels: taskLevels(names, 'code.grep'),
      concurrency: 1,
    });
    cleanupConsumer(consumer);
    const sent = Date.now();
    for (let i = 0; i < 3; i++) {
      await queue.dispatch(envelope(i, { tool: 'code.grep', priority: 1 }));
    }
    await queue.dispatch(envelope(9, { tool: 'code.grep', priority: 4 }));
    const later = sent + 5_000;
    const backlog = await queue.backlog('code.grep', later);
    expect(backlog.map(({ priority, waiting }) => [priority, waiting])).toEqual([
      [0, 0],
      [1, 3],
      [2, 0],
      [3, 0],
      [4, 1],
    ]);
    const oldest = backlog[1]!.oldestAgeMs!;
    expect(oldest).toBeGreaterThanOrEqual(4_000);
    expect(oldest).toBeLessThanOrEqual(5_000);
  });

  function cleanupConsumer(consumer: PriorityConsumer) {
    harness.cleanup.push(() => consumer.stop());
  }
});
