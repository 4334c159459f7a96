import type { WorkflowEvent } from '@fanout/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyOf, formatPositions, logMessages, MAX_EVENTS, parsePositions } from './log-messages';

const wf = 'wf-1';
const dispatched = (task: string): WorkflowEvent => ({
  type: 'TaskDispatched',
  workflowId: wf,
  at: 1,
  taskId: task,
  attempt: 1,
  tool: 'noop',
  input: {},
  priority: 2,
  deadline: 10,
});
const succeeded = (task: string): WorkflowEvent => ({
  type: 'TaskSucceeded',
  workflowId: wf,
  at: 2,
  taskId: task,
  attempt: 1,
  result: {},
  durationMs: 1,
});
const completed: WorkflowEvent = {
  type: 'WorkflowCompleted',
  workflowId: wf,
  at: 3,
  status: 'succeeded',
  synthesis: { summary: '', tasks: [] },
} as unknown as WorkflowEvent;

describe('a decision’s events as messages of the log', () => {
  it('given results interleaved with dispatches, when split, then one message of each type, positions interleaved', () => {
    const events = [succeeded('a'), dispatched('c'), succeeded('b'), dispatched('d')];
    const messages = logMessages(events, 10, 1_000_000);
    expect(messages.map((m) => [m.topic, m.type, m.positions])).toEqual([
      ['results', 'TaskSucceeded', [10, 12]],
      ['progress', 'TaskDispatched', [11, 13]],
    ]);
    expect(JSON.parse(bodyOf(messages[0]!))).toEqual([events[0], events[2]]);
  });

  it('given a topic whose type changes, when split, then a new message starts, so each subject names its events and the end comes last', () => {
    const events = [succeeded('a'), dispatched('c'), succeeded('b'), completed];
    const messages = logMessages(events, 0, 1_000_000);
    expect(messages.map((m) => [m.type, m.positions])).toEqual([
      ['TaskSucceeded', [0, 2]],
      ['TaskDispatched', [1]],
      ['WorkflowCompleted', [3]],
    ]);
    expect(JSON.parse(bodyOf(messages[2]!))).toEqual(completed); // one event: the event itself
  });

  it('given more than fits one message, when split, then the run is cut and no body is larger than the limit', () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      dispatched(`t${String(i).padStart(2, '0')}`),
    );
    const size = JSON.stringify(events[0]).length;
    const messages = logMessages(events, 0, size * 10 + 11);
    expect(messages.map((m) => m.positions.length)).toEqual([10, 10, 10, 10, 10]);
    for (const message of messages)
      expect(bodyOf(message).length).toBeLessThanOrEqual(size * 10 + 11);
    expect(messages.flatMap((m) => m.positions)).toEqual(events.map((_, i) => i));
  });

  it('given more events than a message holds, when split, then each message has at most MAX_EVENTS', () => {
    const events = Array.from({ length: MAX_EVENTS + 5 }, (_, i) => succeeded(`t${i}`));
    const counts = logMessages(events, 0, 1e9).map((m) => m.positions.length);
    expect(counts).toEqual([MAX_EVENTS, 5]);
  });
});

describe('the positions header', () => {
  it('writes runs of one step briefly', () => {
    expect(formatPositions([10, 12, 14, 16])).toBe('10+2x4');
    expect(formatPositions([3])).toBe('3');
    expect(formatPositions([1, 2, 3, 7, 9, 20])).toBe('1+1x3,7+2x2,20');
  });

  it('reads back what it writes, for any ascending positions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(100_000), { minLength: 1, maxLength: 200 }), (raw) => {
        const positions = [...raw].sort((a, b) => a - b);
        expect(parsePositions(formatPositions(positions))).toEqual(positions);
      }),
    );
  });

  it('refuses what is not a list of ascending positions', () => {
    for (const bad of ['', 'x', '3,1', '1+0x3', '1+2x0', '1,1', '-1', '1+2x3,4', '1+1x99999999'])
      expect(parsePositions(bad), bad).toBeUndefined();
  });
});
