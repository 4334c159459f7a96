import { ErrorCode } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { only, Scenario, summary } from './testing/given-when-then';

const once = {
  phases: [
    {
      id: 'p',
      tasks: [{ id: 't', tool: 'noop', input: { sleepMs: 5_000 }, retry: { attempts: 1 } }],
    },
  ],
};

describe('a preempted attempt', () => {
  it('is recorded PREEMPTED and requeued at once, not counted against the retries', () => {
    const scenario = new Scenario();
    scenario.submit(once);
    const preempted = scenario.fail('p/t', 100, true, ErrorCode.Preempted);
    expect(only(preempted, 'TaskAttemptFailed')).toEqual([
      expect.objectContaining({
        attempt: 1,
        preempted: true,
        retryAt: expect.any(Number),
        error: expect.objectContaining({ code: ErrorCode.Preempted }),
      }),
    ]);
    // A task of one attempt runs again, twice preempted or not.
    expect(only(preempted, 'TaskDispatched')).toEqual([
      expect.objectContaining({ taskId: 'p/t', attempt: 2 }),
    ]);
    const again = scenario.fail('p/t', 200, true, ErrorCode.Preempted);
    expect(only(again, 'TaskDispatched')).toEqual([expect.objectContaining({ attempt: 3 })]);
    expect(summary(scenario.succeed('p/t', 300))).toContain('TaskSucceeded p/t');
    expect(scenario.state.status).toBe('succeeded');
  });

  it('leaves the retries whole for a real failure after it', () => {
    const scenario = new Scenario();
    scenario.submit(once);
    scenario.fail('p/t', 100, true, ErrorCode.Preempted);
    // attempts: 1, and the preempted one did not count: this failure is the one try.
    expect(summary(scenario.fail('p/t', 200, true))).toContain('TaskFailed p/t');
  });

  it('replays to the same state', () => {
    const live = new Scenario();
    live.submit(once);
    live.fail('p/t', 100, true, ErrorCode.Preempted);
    const replay = new Scenario();
    for (const event of live.log) replay.apply(event);
    expect(replay.state.tasks['p/t']).toEqual(live.state.tasks['p/t']);
  });
});
