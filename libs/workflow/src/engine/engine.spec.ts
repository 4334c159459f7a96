import type { WorkflowDocument } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { nextWakeUp } from './next-wake-up';
import { DEFAULT_ENGINE_OPTIONS } from './policies';
import { dispatched, only, Scenario, summary, T0 } from './testing/given-when-then';

const noop = (id: string, extra: Record<string, unknown> = {}) => ({ id, tool: 'noop', ...extra });

describe('submitting', () => {
  it('accepts a workflow, starts its first phase and dispatches the tasks without dependencies', () => {
    const scenario = new Scenario();
    const events = scenario.submit({
      phases: [
        { id: 'a', tasks: [noop('one'), noop('two', { dependsOn: ['one'] })] },
        { id: 'b', dependsOn: ['a'], tasks: [noop('three')] },
      ],
    });
    expect(summary(events)).toEqual(['WorkflowAccepted', 'PhaseStarted a', 'TaskDispatched a/one']);
  });

  it('rejects an invalid document with every error and runs nothing', () => {
    const scenario = new Scenario();
    const events = scenario.submit({
      phases: [{ id: 'a', tasks: [{ id: 't', tool: 'nope' }] }],
    } as WorkflowDocument);
    expect(events).toEqual([
      expect.objectContaining({
        type: 'WorkflowRejected',
        errors: [expect.objectContaining({ path: 'phases[0].tasks[0].tool' })],
      }),
    ]);
    expect(scenario.state.status).toBe('failed');
  });

  it('rejects a workflow whose submit arrived invalid, and leaves one that runs alone', () => {
    const errors = [{ path: 'workflow.phases', message: 'expected array' }];
    const fresh = new Scenario();
    expect(fresh.when({ type: 'Reject', errors, now: T0 })).toEqual([
      { type: 'WorkflowRejected', workflowId: 'wf', at: T0, errors },
    ]);
    expect(fresh.state.status).toBe('failed');
    const running = new Scenario();
    running.submit({ phases: [{ id: 'a', tasks: [noop('t')] }] });
    expect(running.when({ type: 'Reject', errors, now: T0 + 5 })).toEqual([]);
    expect(running.state.status).toBe('running');
  });

  it('treats a second submit of the same workflow as a no-op', () => {
    const scenario = new Scenario();
    scenario.submit({ phases: [{ id: 'a', tasks: [noop('t')] }] });
    expect(scenario.submit({ phases: [{ id: 'a', tasks: [noop('t')] }] }, 10)).toEqual([]);
  });
});

describe('dependencies and phase order', () => {
  it('dispatches a task only after what it depends on succeeded, and the next phase only after the barrier', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        { id: 'a', tasks: [noop('one'), noop('two', { dependsOn: ['one'] })] },
        { id: 'b', dependsOn: ['a'], tasks: [noop('three')] },
      ],
    });
    expect(summary(scenario.succeed('a/one', 10))).toEqual([
      'TaskSucceeded a/one',
      'TaskDispatched a/two',
    ]);
    expect(summary(scenario.succeed('a/two', 20))).toEqual([
      'TaskSucceeded a/two',
      'PhaseCompleted a succeeded',
      'PhaseStarted b',
      'TaskDispatched b/three',
    ]);
    expect(summary(scenario.succeed('b/three', 30))).toEqual([
      'TaskSucceeded b/three',
      'PhaseCompleted b succeeded',
      'WorkflowCompleted succeeded',
    ]);
  });

  it('runs independent phases side by side', () => {
    const scenario = new Scenario();
    const events = scenario.submit({
      phases: [
        { id: 'a', tasks: [noop('t')] },
        { id: 'b', tasks: [noop('t')] },
      ],
    });
    expect(dispatched(events)).toEqual(['a/t', 'b/t']);
  });
});

describe('priority and maxConcurrency', () => {
  it('never has more than maxConcurrency tasks out, and sends the most urgent first', () => {
    const scenario = new Scenario();
    const events = scenario.submit({
      budget: { maxConcurrency: 2 },
      phases: [
        {
          id: 'p',
          tasks: [
            noop('low', { priority: 4 }),
            noop('mid', { priority: 2 }),
            noop('high', { priority: 0 }),
            noop('mid2', { priority: 2 }),
          ],
        },
      ],
    });
    expect(dispatched(events)).toEqual(['p/high', 'p/mid']);
    expect(dispatched(scenario.succeed('p/high', 10))).toEqual(['p/mid2']);
    expect(dispatched(scenario.succeed('p/mid', 20))).toEqual(['p/low']);
  });
});

describe('retries', () => {
  const retrying: WorkflowDocument = {
    phases: [
      { id: 'p', tasks: [noop('t', { retry: { attempts: 3, initialDelayMs: 1_000, jitter: 0 } })] },
    ],
  };

  it('retries a retryable failure after the backoff, never before retryAt', () => {
    const scenario = new Scenario();
    scenario.submit(retrying);
    const failure = only(scenario.fail('p/t', 100, true), 'TaskAttemptFailed')[0]!;
    expect(failure.retryAt).toBe(T0 + 1_100);
    expect(scenario.tick(1_099)).toEqual([]);
    expect(only(scenario.tick(1_100), 'TaskDispatched')).toEqual([
      expect.objectContaining({ taskId: 'p/t', attempt: 2 }),
    ]);
    const second = only(scenario.fail('p/t', 1_200, true), 'TaskAttemptFailed')[0]!;
    expect(second.retryAt).toBe(T0 + 1_200 + 2_000);
  });

  it('fails for good when attempts run out', () => {
    const scenario = new Scenario();
    scenario.submit(retrying);
    scenario.fail('p/t', 100, true);
    scenario.tick(1_100);
    scenario.fail('p/t', 1_200, true);
    scenario.tick(3_200);
    expect(summary(scenario.fail('p/t', 3_300, true))).toEqual([
      'TaskAttemptFailed p/t',
      'TaskFailed p/t',
      'WorkflowCancelRequested',
      'PhaseCompleted p failed',
      'WorkflowCompleted failed',
    ]);
  });

  it('does not retry an error that says a retry cannot help', () => {
    const scenario = new Scenario();
    scenario.submit(retrying);
    expect(summary(scenario.fail('p/t', 100, false)).slice(0, 2)).toEqual([
      'TaskAttemptFailed p/t',
      'TaskFailed p/t',
    ]);
  });

  it('spreads retries with jitter that a replay decides the same way', () => {
    const document: WorkflowDocument = {
      phases: [{ id: 'p', tasks: [noop('a'), noop('b')] }],
      defaults: { retry: { attempts: 2, initialDelayMs: 1_000, jitter: 0.5 } },
    };
    const first = new Scenario();
    first.submit(document);
    const second = new Scenario();
    second.submit(document);
    const retryAt = (scenario: Scenario, id: string) =>
      only(scenario.fail(id, 0, true), 'TaskAttemptFailed')[0]!.retryAt!;
    const a1 = retryAt(first, 'p/a');
    const b1 = retryAt(first, 'p/b');
    expect(a1).not.toBe(b1);
    expect(retryAt(second, 'p/a')).toBe(a1);
    expect(a1 - T0).toBeGreaterThanOrEqual(500);
    expect(a1 - T0).toBeLessThanOrEqual(1_500);
  });
});

describe('timeouts', () => {
  it('fails an attempt that outlives its timeout and retries it', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        {
          id: 'p',
          tasks: [
            noop('t', { timeoutMs: 5_000, retry: { attempts: 2, initialDelayMs: 0, jitter: 0 } }),
          ],
        },
      ],
    });
    expect(scenario.tick(4_999)).toEqual([]);
    const events = scenario.tick(5_000);
    expect(only(events, 'TaskAttemptFailed')[0]!.error.code).toBe('TIMEOUT');
    expect(only(events, 'TaskDispatched')).toEqual([expect.objectContaining({ attempt: 2 })]);
  });

  it('fails a started attempt whose worker has been silent for 15 s', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        { id: 'p', tasks: [noop('t', { retry: { attempts: 2, initialDelayMs: 0, jitter: 0 } })] },
      ],
    });
    scenario.report('p/t', { kind: 'started' }, 1_000);
    scenario.report('p/t', { kind: 'heartbeat' }, 6_000);
    expect(nextWakeUp(scenario.state, DEFAULT_ENGINE_OPTIONS)).toBe(T0 + 21_000);
    expect(scenario.tick(20_999)).toEqual([]);
    const events = scenario.tick(21_000);
    expect(only(events, 'TaskAttemptFailed')[0]!.error.code).toBe('HEARTBEAT_TIMEOUT');
    expect(only(events, 'TaskDispatched')).toEqual([
      expect.objectContaining({ taskId: 'p/t', attempt: 2 }),
    ]);
  });
});

describe('takeover', () => {
  it('gives running tasks a fresh heartbeat window when a new owner resumes the workflow', () => {
    const scenario = new Scenario();
    scenario.submit({ phases: [{ id: 'p', tasks: [noop('t')] }] });
    scenario.report('p/t', { kind: 'started' }, 1_000);
    expect(
      summary(scenario.when({ type: 'Resume', owner: 'replica-2', now: T0 + 14_000 })),
    ).toEqual(['WorkflowResumed']);
    expect(scenario.tick(16_000)).toEqual([]);
    expect(only(scenario.tick(29_000), 'TaskAttemptFailed')[0]!.error.code).toBe(
      'HEARTBEAT_TIMEOUT',
    );
  });
});

describe('stale results', () => {
  it('ignores a report from an attempt that a retry replaced, and a second success', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        {
          id: 'p',
          tasks: [noop('t', { retry: { attempts: 2, initialDelayMs: 0, jitter: 0 } }), noop('u')],
        },
      ],
    });
    scenario.fail('p/t', 10, true);
    expect(scenario.state.tasks['p/t']!.attempt).toBe(2);
    expect(
      scenario.report('p/t', { kind: 'succeeded', result: 'late', durationMs: 1 }, 20, 1),
    ).toEqual([]);
    expect(only(scenario.succeed('p/t', 30, 'fresh'), 'TaskSucceeded')).toHaveLength(1);
    expect(scenario.succeed('p/t', 40, 'again')).toEqual([]);
    expect(scenario.state.tasks['p/t']!.result).toBe('fresh');
  });
});

describe('default barriers: a phase waits for its tasks, each within its own timeout', () => {
  const longTask = (policy: 'fail' | 'degrade'): WorkflowDocument => ({
    phases: [
      { id: 'a', barrier: { policy }, tasks: [noop('fast'), noop('slow')] },
      { id: 'b', dependsOn: ['a'], tasks: [noop('next')] },
    ],
  });

  for (const policy of ['fail', 'degrade'] as const) {
    it(`under ${policy}, never cuts a task that runs 40 s, well within its 5 min timeout`, () => {
      const scenario = new Scenario();
      scenario.submit(longTask(policy));
      scenario.succeed('a/fast', 10);
      scenario.report('a/slow', { kind: 'started' }, 20);
      for (let at = 5_000; at < 40_000; at += 5_000) {
        scenario.report('a/slow', { kind: 'heartbeat' }, at);
        expect(scenario.tick(at + 1)).toEqual([]);
      }
      expect(summary(scenario.succeed('a/slow', 40_000))).toEqual([
        'TaskSucceeded a/slow',
        'PhaseCompleted a succeeded',
        'PhaseStarted b',
        'TaskDispatched b/next',
      ]);
    });
  }

  it('has no barrier time of its own to wake up for: only the task deadline is due', () => {
    const scenario = new Scenario();
    scenario.submit(longTask('fail'));
    expect(nextWakeUp(scenario.state, DEFAULT_ENGINE_OPTIONS)).toBe(
      T0 + DEFAULT_ENGINE_OPTIONS.defaultTimeoutMs,
    );
  });
});

describe('default retries', () => {
  it('tries a task whose worker was lost up to 3 times, then fails it', () => {
    const scenario = new Scenario();
    scenario.submit({ phases: [{ id: 'p', tasks: [noop('t')] }] });
    let at = 0;
    for (const attempt of [1, 2]) {
      scenario.report('p/t', { kind: 'started' }, at + 1);
      const lost = scenario.tick(at + 1 + 15_000);
      expect(only(lost, 'TaskAttemptFailed')[0]).toMatchObject({
        attempt,
        error: { code: 'HEARTBEAT_TIMEOUT' },
      });
      at = only(lost, 'TaskAttemptFailed')[0]!.retryAt! - T0;
      expect(only(scenario.tick(at), 'TaskDispatched')[0]).toMatchObject({ attempt: attempt + 1 });
    }
    scenario.report('p/t', { kind: 'started' }, at + 1);
    expect(summary(scenario.tick(at + 1 + 15_000)).slice(0, 2)).toEqual([
      'TaskAttemptFailed p/t',
      'TaskFailed p/t',
    ]);
  });

  it('does not try again an error that says a retry cannot help', () => {
    const scenario = new Scenario();
    scenario.submit({ phases: [{ id: 'p', tasks: [noop('t')] }] });
    expect(summary(scenario.fail('p/t', 10, false)).slice(0, 2)).toEqual([
      'TaskAttemptFailed p/t',
      'TaskFailed p/t',
    ]);
  });
});

describe('barriers', () => {
  const twoPhases = (policy: 'fail' | 'degrade'): WorkflowDocument => ({
    phases: [
      { id: 'a', barrier: { timeoutMs: 1_000, policy }, tasks: [noop('fast'), noop('slow')] },
      {
        id: 'b',
        dependsOn: ['a'],
        tasks: [noop('next', { input: { echo: '${{ a.fast.echo }}' } })],
      },
    ],
  });

  it('fails the workflow when a fail barrier times out', () => {
    const scenario = new Scenario();
    scenario.submit(twoPhases('fail'));
    scenario.succeed('a/fast', 10, { echo: 1 });
    expect(summary(scenario.tick(1_000))).toEqual([
      'TaskCancelled a/slow',
      'WorkflowCancelRequested',
      'TaskCancelled b/next',
      'PhaseCompleted a failed',
      'PhaseCompleted b cancelled',
      'WorkflowCompleted failed',
    ]);
  });

  it('goes on with what arrived when a degrade barrier times out, and records what did not', () => {
    const scenario = new Scenario();
    scenario.submit(twoPhases('degrade'));
    scenario.succeed('a/fast', 10, { echo: 'value' });
    const events = scenario.tick(1_000);
    expect(summary(events)).toEqual([
      'TaskCancelled a/slow',
      'PhaseCompleted a degraded',
      'PhaseStarted b',
      'TaskDispatched b/next',
    ]);
    expect(only(events, 'PhaseCompleted')[0]!.missing).toEqual(['a/slow']);
    expect(only(events, 'TaskDispatched')[0]!.input).toEqual({ echo: 'value' });
    const end = only(scenario.succeed('b/next', 1_100), 'WorkflowCompleted')[0]!;
    expect(end.status).toBe('degraded');
    expect(end.synthesis.phases).toEqual([
      { phaseId: 'a', status: 'degraded', missing: ['a/slow'] },
      { phaseId: 'b', status: 'succeeded', missing: [] },
    ]);
  });

  it('under degrade, skips a task whose dependency failed and runs the rest', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        {
          id: 'p',
          barrier: { policy: 'degrade' },
          tasks: [noop('a'), noop('b', { dependsOn: ['a'] }), noop('c')],
        },
      ],
    });
    expect(summary(scenario.fail('p/a', 10, false))).toEqual([
      'TaskAttemptFailed p/a',
      'TaskFailed p/a',
      'TaskSkipped p/b',
    ]);
    const end = only(scenario.succeed('p/c', 20), 'WorkflowCompleted')[0]!;
    expect(end.status).toBe('degraded');
    expect(end.synthesis.counts).toEqual({
      total: 3,
      succeeded: 1,
      failed: 1,
      cancelled: 0,
      skipped: 1,
    });
  });

  it('under fail, stops the phase at the first failure and cancels the siblings still running', () => {
    const scenario = new Scenario();
    scenario.submit({ phases: [{ id: 'p', tasks: [noop('a'), noop('b')] }] });
    const events = scenario.fail('p/a', 10, false);
    expect(summary(events)).toEqual([
      'TaskAttemptFailed p/a',
      'TaskFailed p/a',
      'WorkflowCancelRequested',
      'TaskCancelled p/b',
      'PhaseCompleted p failed',
      'WorkflowCompleted failed',
    ]);
    expect(only(events, 'WorkflowCancelRequested')[0]!.reason).toBe(
      'phase p failed (p/a failed: p/a broke)',
    );
  });
});

describe('forEach and result references', () => {
  const fanOut: WorkflowDocument = {
    phases: [
      { id: 'discover', tasks: [noop('list')] },
      {
        id: 'scan',
        dependsOn: ['discover'],
        tasks: [
          noop('each', {
            forEach: '${{ discover.list.echo.files }}',
            input: { echo: 'file ${{ item }} of ${{ discover.list.echo.name }}' },
          }),
          noop('all', { input: { echo: '${{ scan.each }}' } }),
        ],
      },
    ],
  };

  it('fans a task out over a list an earlier task produced, each copy with its element', () => {
    const scenario = new Scenario();
    scenario.submit(fanOut);
    const events = scenario.succeed('discover/list', 10, {
      echo: { files: ['a.ts', 'b.ts', 'c.ts'], name: 'repo' },
    });
    expect(only(events, 'TasksExpanded')).toEqual([
      expect.objectContaining({ taskId: 'scan/each', count: 3 }),
    ]);
    expect(only(events, 'TaskDispatched').map((event) => [event.taskId, event.input])).toEqual([
      ['scan/each/0', { echo: 'file a.ts of repo' }],
      ['scan/each/1', { echo: 'file b.ts of repo' }],
      ['scan/each/2', { echo: 'file c.ts of repo' }],
    ]);
  });

  it('hands a dependent the results of the copies, in order', () => {
    const scenario = new Scenario();
    scenario.submit(fanOut);
    scenario.succeed('discover/list', 10, { echo: { files: ['a', 'b'], name: 'r' } });
    scenario.succeed('scan/each/1', 20, 'B');
    expect(dispatched(scenario.log)).not.toContain('scan/all');
    const events = scenario.succeed('scan/each/0', 30, 'A');
    expect(only(events, 'TaskDispatched')[0]).toMatchObject({
      taskId: 'scan/all',
      input: { echo: ['A', 'B'] },
    });
  });

  it('completes a fan-out over an empty list at once', () => {
    const scenario = new Scenario();
    scenario.submit(fanOut);
    const events = scenario.succeed('discover/list', 10, { echo: { files: [], name: 'r' } });
    expect(only(events, 'TaskDispatched')[0]).toMatchObject({
      taskId: 'scan/all',
      input: { echo: [] },
    });
  });

  it('fails a fan-out over something that is not a list, naming it', () => {
    const scenario = new Scenario();
    scenario.submit(fanOut);
    const failed = only(
      scenario.succeed('discover/list', 10, { echo: { files: 'oops', name: 'r' } }),
      'TaskFailed',
    )[0]!;
    expect(failed.error.message).toBe(
      'cannot fan out scan/each: forEach needs a list, but ${{ discover.list.echo.files }} is string',
    );
  });

  it('refuses to fan out past budget.maxTasks', () => {
    const scenario = new Scenario();
    scenario.submit({ ...fanOut, budget: { maxTasks: 4 } });
    const failed = only(
      scenario.succeed('discover/list', 10, { echo: { files: ['1', '2'], name: 'r' } }),
      'TaskFailed',
    )[0]!;
    expect(failed.error.code).toBe('BUDGET_EXCEEDED');
  });

  it('fails a task whose reference cannot be resolved at dispatch, without sending it', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        {
          id: 'p',
          barrier: { policy: 'degrade' },
          tasks: [noop('a'), noop('b', { input: { echo: '${{ p.a.missing }}' } })],
        },
      ],
    });
    const failed = only(scenario.succeed('p/a', 10, { present: 1 }), 'TaskFailed')[0]!;
    expect(failed).toMatchObject({
      taskId: 'p/b',
      error: {
        code: 'INVALID_INPUT',
        message:
          'cannot resolve the input of p/b: ${{ p.a.missing }}: the result of p.a has no missing',
      },
    });
  });
});

describe('cancellation', () => {
  it('cancels running and waiting tasks and ends cancelled', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        { id: 'a', tasks: [noop('m'), noop('n')] },
        { id: 'b', dependsOn: ['a'], tasks: [noop('later')] },
      ],
    });
    scenario.report('a/m', { kind: 'started' }, 5);
    const events = scenario.when({ type: 'Cancel', reason: 'user asked', now: T0 + 10 });
    expect(summary(events)).toEqual([
      'WorkflowCancelRequested',
      'TaskCancelled a/m',
      'TaskCancelled a/n',
      'TaskCancelled b/later',
      'PhaseCompleted a cancelled',
      'PhaseCompleted b cancelled',
      'WorkflowCompleted cancelled',
    ]);
    expect(only(events, 'TaskCancelled')[0]).toMatchObject({ reason: 'user asked' });
    expect(scenario.succeed('a/n', 20)).toEqual([]);
  });
});

describe('the workflow time budget', () => {
  it('fails a workflow that runs out of time', () => {
    const scenario = new Scenario();
    scenario.submit({
      budget: { maxDurationMs: 10_000 },
      phases: [{ id: 'p', tasks: [noop('t', { timeoutMs: 60_000 })] }],
    });
    expect(only(scenario.log, 'TaskDispatched')[0]!.deadline).toBe(T0 + 10_000);
    const end = only(scenario.tick(10_000), 'WorkflowCompleted')[0]!;
    expect(end.status).toBe('failed');
  });
});

describe('a forEach over a list of 100,000 elements', () => {
  it('fans out to 100,000 copies, each given its element, and completes once all succeeded', () => {
    const scenario = new Scenario();
    scenario.submit({
      budget: { maxTasks: 200_000, maxConcurrency: 4_096 },
      phases: [
        { id: 'list', tasks: [noop('make')] },
        {
          id: 'each',
          dependsOn: ['list'],
          tasks: [
            noop('copy', { forEach: '${{ list.make.echo }}', input: { echo: '${{ item.n }}' } }),
          ],
        },
      ],
    });
    const items = Array.from({ length: 100_000 }, (_, n) => ({ n }));
    scenario.succeed('list/make', 1, { echo: items });
    const seen = new Set<unknown>();
    for (let round = 0; round < 200; round += 1) {
      const out = Object.keys(scenario.state.active);
      if (out.length === 0) break;
      for (const id of out) {
        seen.add((scenario.state.tasks[id]!.dispatchedInput as { echo: number }).echo);
        scenario.succeed(id, 2 + round);
      }
    }
    expect(scenario.state.status).toBe('succeeded');
    expect(seen.size).toBe(100_000);
    const end = only(scenario.log, 'WorkflowCompleted')[0]!;
    expect(end.synthesis.counts).toMatchObject({ total: 100_001, succeeded: 100_001 });
  });
});

describe('synthesis', () => {
  it('lists the tasks that did not succeed first and leaves succeeded ones out past 1,000 tasks', () => {
    const scenario = new Scenario();
    const tasks = Array.from({ length: 1_200 }, (_, i) => noop(`t${i}`));
    scenario.submit({
      budget: { maxConcurrency: 2_000 },
      phases: [{ id: 'p', barrier: { policy: 'degrade' }, tasks }],
    });
    scenario.fail('p/t7', 1, false);
    for (let i = 0; i < 1_200; i += 1) if (i !== 7) scenario.succeed(`p/t${i}`, 2);
    const end = only(scenario.log, 'WorkflowCompleted')[0]!;
    expect(end.synthesis.counts).toMatchObject({ total: 1_200, succeeded: 1_199, failed: 1 });
    expect(end.synthesis.tasks).toHaveLength(1_000);
    expect(end.synthesis.tasks[0]).toMatchObject({ taskId: 'p/t7', status: 'failed' });
    expect(end.synthesis.omittedTasks).toBe(200);
  });

  it('stays inside one message when errors are large: their details are left out, and so are tasks past the byte limit', () => {
    const scenario = new Scenario();
    const tasks = Array.from({ length: 40 }, (_, i) => noop(`t${i}`));
    scenario.submit({ phases: [{ id: 'p', barrier: { policy: 'degrade' }, tasks }] });
    for (let i = 0; i < 40; i += 1) {
      scenario.report(
        `p/t${i}`,
        {
          kind: 'failed',
          error: {
            code: 'EXIT_NONZERO',
            message: `t${i} ${'m'.repeat(20_000)}`,
            retryable: false,
            details: { stdout: 'x'.repeat(100_000) },
          },
          durationMs: 1,
        },
        1,
      );
    }
    const end = only(scenario.log, 'WorkflowCompleted')[0]!;
    expect(JSON.stringify(end).length).toBeLessThan(300 * 1_024);
    expect(end.synthesis.counts.failed).toBe(40);
    expect(end.synthesis.tasks.length + end.synthesis.omittedTasks).toBe(40);
    expect(end.synthesis.tasks[0]!.error).toEqual({
      code: 'EXIT_NONZERO',
      message: `t0 ${'m'.repeat(997)}…`,
      retryable: false,
    });
    // The task's own event keeps the error whole.
    expect(only(scenario.log, 'TaskFailed')[0]!.error.details).toEqual({
      stdout: 'x'.repeat(100_000),
    });
  });

  it('summarises status, counts, attempts and durations of every task', () => {
    const scenario = new Scenario();
    scenario.submit({
      phases: [
        {
          id: 'p',
          tasks: [noop('a', { retry: { attempts: 2, initialDelayMs: 0, jitter: 0 } }), noop('b')],
        },
      ],
    });
    scenario.fail('p/a', 10, true);
    scenario.succeed('p/a', 20);
    const end = only(scenario.succeed('p/b', 30), 'WorkflowCompleted')[0]!;
    expect(end.synthesis).toEqual({
      status: 'succeeded',
      durationMs: 30,
      counts: { total: 2, succeeded: 2, failed: 0, cancelled: 0, skipped: 0 },
      phases: [{ phaseId: 'p', status: 'succeeded', missing: [] }],
      usage: { tasks: 2, toolCalls: 3, durationMs: 30, tokens: 0 },
      omittedTasks: 0,
      tasks: [
        { taskId: 'p/a', tool: 'noop', status: 'succeeded', attempts: 2, durationMs: 5 },
        { taskId: 'p/b', tool: 'noop', status: 'succeeded', attempts: 1, durationMs: 5 },
      ],
    });
  });
});
