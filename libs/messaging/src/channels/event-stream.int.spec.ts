import type { WorkflowEvent } from '@fanout/contracts';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { beforeEach, describe, expect, it } from 'vitest';
import { InvalidMessageError } from '../errors';
import { WorkflowLog } from '../state/workflow-log';
import { EventStream, type StoredEvent } from './event-stream';
import { channelHarness } from '../testing/fixtures';

const started = (workflowId: string, phaseId: string, at = Date.now()): WorkflowEvent => ({
  type: 'PhaseStarted',
  workflowId,
  at,
  phaseId,
});
const failed = (workflowId: string, at = Date.now()): WorkflowEvent => ({
  type: 'TaskFailed',
  workflowId,
  at,
  taskId: 'p/t',
  attempts: 3,
  error: { code: 'TOOL_FAILED', message: 'boom', retryable: false },
});

describe('EventStream on a real nats-server', () => {
  const harness = channelHarness('events');
  let events: EventStream;
  beforeEach(() => {
    events = new EventStream(harness.connection, harness.names);
  });

  /** Takes the next `count` events of a subscription, then stops it. */
  async function take(from: AsyncIterable<StoredEvent>, count: number): Promise<StoredEvent[]> {
    const got: StoredEvent[] = [];
    for await (const event of from) {
      got.push(event);
      if (got.length === count) break;
    }
    return got;
  }

  it('publishes each event under its workflow, topic and type, and stores a repeated msgID once', async () => {
    const first = await events.publish(failed('wf-a'), { msgID: 'e1' });
    const again = await events.publish(failed('wf-a'), { msgID: 'e1' });
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    const [stored] = await events.read();
    expect(stored!.subject).toBe(harness.names.event('wf-a', 'errors', 'TaskFailed'));
  });

  it('follows one workflow and topic, live, leaving out the rest', async () => {
    const subscription = await events.subscribe({ workflowId: 'wf-a', topic: 'progress' });
    const reading = take(subscription, 2);
    await events.publish(started('wf-a', 'one'));
    await events.publish(failed('wf-a')); // other topic
    await events.publish(started('wf-b', 'one')); // other workflow
    await events.publish(started('wf-a', 'two'));
    const got = await reading;
    expect(got.map((e) => [e.event.workflowId, (e.event as { phaseId: string }).phaseId])).toEqual([
      ['wf-a', 'one'],
      ['wf-a', 'two'],
    ]);
    expect(got[1]!.seq).toBeGreaterThan(got[0]!.seq);
  });

  it('follows every workflow at once when given no filter', async () => {
    await events.publish(started('wf-a', 'one'));
    await events.publish(failed('wf-b'));
    const got = await take(await events.subscribe(), 2);
    expect(got.map((e) => e.event.workflowId)).toEqual(['wf-a', 'wf-b']);
  });

  it('replays from a stream sequence and from a start time', async () => {
    const t0 = Date.now();
    const a = await events.publish(started('wf-a', 'one', t0));
    await events.publish(started('wf-a', 'two', t0));
    // Strictly after "two" was stored (server times have sub-millisecond precision).
    const cutoff = new Date(Date.now() + 1);
    await expect.poll(() => Date.now()).toBeGreaterThan(cutoff.getTime());
    await events.publish(started('wf-a', 'three', t0));

    const fromSecond = await events.read({ workflowId: 'wf-a' }, { seq: a.seq + 1 });
    expect(fromSecond.map((e) => (e.event as { phaseId: string }).phaseId)).toEqual([
      'two',
      'three',
    ]);
    const afterCutoff = await events.read({ workflowId: 'wf-a' }, { time: cutoff });
    expect(afterCutoff.map((e) => (e.event as { phaseId: string }).phaseId)).toEqual(['three']);
  });

  it('reads each appended event with its place in the log and its epoch, so a replay can fold it', async () => {
    await new WorkflowLog(harness.connection, harness.names).append(
      'wf-pos',
      0,
      [started('wf-pos', 'a'), started('wf-pos', 'b')],
      7,
    );
    await events.publish(started('wf-pos', 'c')); // no message id: no position
    await events.publish(started('wf-pos', 'd'), { msgID: 'wf-pos:2' }); // written before epochs
    const read = await events.read({ workflowId: 'wf-pos' });
    expect(read.map(({ position, epoch }) => [position, epoch])).toEqual([
      [0, 7],
      [1, 7],
      [undefined, undefined],
      [2, 0],
    ]);
  });

  it('reads a decision stored as one message per type with each event in its place; a topic reads its own in log order', async () => {
    const log = [
      started('wf-batch', 'a'),
      failed('wf-batch'),
      started('wf-batch', 'b'),
      failed('wf-batch'),
      started('wf-batch', 'c'),
    ];
    await new WorkflowLog(harness.connection, harness.names).append('wf-batch', 4, log, 3);
    const read = await events.read({ workflowId: 'wf-batch' });
    // Two messages: the progress events at 4, 6, 8, then the errors at 5, 7.
    expect(new Set(read.map((stored) => stored.seq)).size).toBe(2);
    const byPosition = [...read].sort((a, b) => a.position! - b.position!);
    expect(byPosition.map(({ event, position, epoch }) => [event, position, epoch])).toEqual(
      log.map((event, i) => [event, 4 + i, 3]),
    );
    const errors = await events.read({ workflowId: 'wf-batch', topic: 'errors' });
    expect(errors.map((stored) => stored.position)).toEqual([5, 7]);
  });

  it('reads and follows a workflow in the order of its log when asked, and says a topic cannot be', async () => {
    const log = [
      started('wf-ord', 'a'),
      failed('wf-ord'),
      started('wf-ord', 'b'),
      failed('wf-ord'),
    ];
    await new WorkflowLog(harness.connection, harness.names).append('wf-ord', 0, log, 1);
    const inOrder = { order: 'log' } as const;
    const read = await events.read({ workflowId: 'wf-ord' }, 'all', inOrder);
    expect(read.map((stored) => stored.event)).toEqual(log);
    const live = await events.subscribe({ workflowId: 'wf-ord' }, 'all', inOrder);
    expect((await take(live, 4)).map((stored) => stored.position)).toEqual([0, 1, 2, 3]);
    await expect(
      events.read({ workflowId: 'wf-ord', topic: 'errors' }, 'all', inOrder),
    ).rejects.toThrow(/from the start of every topic, not topic errors/);
  });

  it('refuses a message of several events whose positions header does not place them, naming the header', async () => {
    const body = JSON.stringify([started('wf-pl', 'a'), started('wf-pl', 'b')]);
    const subject = harness.names.event('wf-pl', 'progress', 'PhaseStarted');
    const headers = natsHeaders();
    headers.set('Nats-Msg-Id', 'wf-pl:0:1');
    headers.set('Fanout-Log-Positions', '0'); // one position for two events
    harness.connection.publish(subject, body, { headers });
    await harness.connection.flush();
    await expect(events.read({ workflowId: 'wf-pl' })).rejects.toThrow(
      /Fanout-Log-Positions "0" does not list the positions of its 2 events from 0/,
    );
  });

  it('reads an empty log as empty, without waiting', async () => {
    expect(await events.read({ workflowId: 'nobody' })).toEqual([]);
  });

  it('refuses an invalid event at the publisher, naming the problem', async () => {
    const bad = { ...started('wf-a', 'one'), at: -1 };
    await expect(events.publish(bad)).rejects.toBeInstanceOf(InvalidMessageError);
  });

  it('ends a subscription with InvalidMessageError on a stored event that breaks the contract', async () => {
    harness.connection.publish(
      harness.names.event('wf-a', 'progress', 'PhaseStarted'),
      '{"type":"PhaseStarted"}',
    );
    await harness.connection.flush();
    const subscription = await events.subscribe({ workflowId: 'wf-a' });
    await expect(take(subscription, 1)).rejects.toThrow(/invalid message on .*workflowId/);
  });
});
