import { describe, expect, it } from 'vitest';
import { attemptKey, reportIds, runId } from './report-ids';

describe('report command ids', () => {
  it('are readable for ordinary ids and the same on every run of the attempt', () => {
    const key = attemptKey({ workflowId: 'wf-1', taskId: 'scan/grep/12', attempt: 2 });
    expect(reportIds.terminal(key, 'succeeded')).toBe('wf-1:scan/grep/12:2:succeeded');
    expect(reportIds.started(key)).toBe('wf-1:scan/grep/12:2:started');
  });

  it('stay within the 200 characters of a command id however long the ids are, and stay distinct', () => {
    const long = {
      workflowId: 'w'.repeat(100),
      taskId: `${'p'.repeat(64)}/${'t'.repeat(64)}/99999`,
    };
    const first = attemptKey({ ...long, attempt: 1 });
    const second = attemptKey({ ...long, attempt: 2 });
    expect(reportIds.heartbeat(first, 'abcdef01', 99_999).length).toBeLessThanOrEqual(200);
    expect(first).not.toBe(second);
    expect(attemptKey({ ...long, attempt: 1 })).toBe(first);
  });

  it('give every run its own heartbeat ids, short enough for any attempt key', () => {
    const runs = Array.from({ length: 1_000 }, () => runId());
    expect(new Set(runs).size).toBe(runs.length);
    const key = attemptKey({ workflowId: 'w'.repeat(100), taskId: 't'.repeat(200), attempt: 9 });
    const last = runs.at(-1) as string;
    expect(reportIds.heartbeat(key, last, 99_999).length).toBeLessThanOrEqual(200);
  });
});
