import { describe, expect, it } from 'vitest';
import { Cancellations } from './cancellations';

describe('Cancellations', () => {
  it('aborts only the running tasks a cancel names, with a CANCELLED error', () => {
    const cancellations = new Cancellations(60_000);
    const reasons = new Map<string, Error>();
    for (const taskId of ['p/a', 'p/b']) {
      cancellations.track({
        workflowId: 'wf',
        taskId,
        attempt: 1,
        abort: (reason) => reasons.set(taskId, reason),
      });
    }
    expect(cancellations.cancel({ kind: 'cancel', workflowId: 'wf', taskIds: ['p/b'] })).toBe(1);
    expect([...reasons.keys()]).toEqual(['p/b']);
    expect(reasons.get('p/b')).toMatchObject({ code: 'CANCELLED', retryable: false });
  });

  it('remembers a cancelled workflow for a while, so its queued tasks are refused, then forgets it', () => {
    let now = 0;
    const cancellations = new Cancellations(1_000, () => now);
    cancellations.cancel({ kind: 'cancel', workflowId: 'wf' });
    cancellations.cancel({ kind: 'cancel', workflowId: 'other', taskIds: ['p/x'] });
    expect(cancellations.isCancelled('wf', 'p/any', 1)).toBe(true);
    expect(cancellations.isCancelled('other', 'p/x', 7)).toBe(true);
    expect(cancellations.isCancelled('other', 'p/y', 1)).toBe(false);
    now = 1_001;
    expect(cancellations.isCancelled('wf', 'p/any', 1)).toBe(false);
  });

  it('refuses an attempt the engine gave up, and not the next attempt of the same task', () => {
    const cancellations = new Cancellations(60_000);
    const aborted: number[] = [];
    for (const attempt of [1, 2]) {
      cancellations.track({
        workflowId: 'wf',
        taskId: 'p/t',
        attempt,
        abort: () => aborted.push(attempt),
      });
    }
    const cancel = { kind: 'cancel' as const, workflowId: 'wf', taskIds: ['p/t'] };
    expect(cancellations.cancel({ ...cancel, attempts: { 'p/t': 1 } })).toBe(1);
    expect(aborted).toEqual([1]);
    expect(cancellations.isCancelled('wf', 'p/t', 1)).toBe(true);
    expect(cancellations.isCancelled('wf', 'p/t', 2)).toBe(false);
    // A later cancel of the whole task covers every attempt.
    cancellations.cancel(cancel);
    expect(cancellations.isCancelled('wf', 'p/t', 2)).toBe(true);
  });
});
