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
    expect(cancellations.isCancelled('wf', 'p/any')).toBe(true);
    expect(cancellations.isCancelled('other', 'p/x')).toBe(true);
    expect(cancellations.isCancelled('other', 'p/y')).toBe(false);
    now = 1_001;
    expect(cancellations.isCancelled('wf', 'p/any')).toBe(false);
  });
});
