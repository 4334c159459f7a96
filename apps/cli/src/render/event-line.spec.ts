import type { WorkflowEvent } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { eventLine } from './event-line';

const at = Date.UTC(2030, 0, 1, 12, 0, 0, 0);
const error = { code: 'TIMEOUT', message: 'no answer', retryable: true };

function attemptFailed(attempt: number, retryAt?: number) {
  const event = { workflowId: 'wf-1', at, type: 'TaskAttemptFailed', taskId: 'find/a', attempt };
  return { ...event, error, ...(retryAt === undefined ? {} : { retryAt }) } as WorkflowEvent;
}

describe('an event as a plain line', () => {
  it('tells when a failed attempt is retried, and says the last one is the last', () => {
    expect(eventLine(attemptFailed(1, at + 1_500))).toBe(
      '12:00:00.000 wf-1 TaskAttemptFailed find/a attempt 1: TIMEOUT no answer; retry at 12:00:01.500',
    );
    const last = eventLine(attemptFailed(3));
    expect(last).toBe(
      '12:00:00.000 wf-1 TaskAttemptFailed find/a attempt 3: TIMEOUT no answer (last attempt)',
    );
    expect(last).not.toMatch(/retr/);
  });
});
