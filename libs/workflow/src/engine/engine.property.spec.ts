import type { WorkflowDocument, WorkflowEvent } from '@fanout/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handle, replay } from './handle';
import { nextWakeUp } from './next-wake-up';
import { DEFAULT_ENGINE_OPTIONS } from './policies';
import { initialState, TERMINAL, type WorkflowState } from './state';
import { T0 } from './testing/given-when-then';

/**
 * Random valid workflows: a few phases, each depending on some earlier ones, each with a
 * few tasks depending on some earlier tasks of the same phase, random priorities,
 * retries and barrier policies. Acyclic by construction.
 */
const workflowArb: fc.Arbitrary<WorkflowDocument> = fc
  .array(
    fc.record({
      tasks: fc.array(
        fc.record({
          deps: fc.array(fc.nat(), { maxLength: 3 }),
          priority: fc.integer({ min: 0, max: 4 }),
          attempts: fc.integer({ min: 1, max: 3 }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      phaseDeps: fc.array(fc.nat(), { maxLength: 2 }),
      policy: fc.constantFrom('fail' as const, 'degrade' as const),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .map((phases) => ({
    budget: { maxConcurrency: 3 },
    phases: phases.map((phase, p) => ({
      id: `p${p}`,
      dependsOn: p === 0 ? [] : [...new Set(phase.phaseDeps.map((d) => `p${d % p}`))],
      barrier: { policy: phase.policy, timeoutMs: 60_000 },
      tasks: phase.tasks.map((task, t) => ({
        id: `t${t}`,
        tool: 'noop',
        priority: task.priority,
        retry: { attempts: task.attempts, initialDelayMs: 100, jitter: 0 },
        dependsOn: t === 0 ? [] : [...new Set(task.deps.map((d) => `t${d % t}`))],
      })),
    })),
  }));

/** What a worker does with an attempt it receives. */
type Behaviour = 'succeed' | 'fail-retryable' | 'fail-fatal' | 'vanish' | 'late-duplicate';
const behaviourArb = fc.constantFrom<Behaviour>(
  'succeed',
  'succeed',
  'succeed',
  'fail-retryable',
  'fail-fatal',
  'vanish',
  'late-duplicate',
);

/**
 * Drives a workflow to its end with simulated workers and a simulated clock, checking
 * after every command that no dispatched task ran ahead of its dependencies.
 */
function run(document: WorkflowDocument, behaviours: Behaviour[], cancelAt: number | undefined) {
  const state = initialState('wf');
  const log: WorkflowEvent[] = [];
  let now = T0;
  let choice = 0;
  const apply = (command: Parameters<typeof handle>[0]) => {
    const before = structuredClone(state);
    const { events } = handle(command, state);
    for (const event of events) {
      if (event.type === 'TaskDispatched') {
        for (const dep of before.tasks[event.taskId]?.deps ?? state.tasks[event.taskId]!.deps) {
          expect(
            state.tasks[dep]!.status,
            `${event.taskId} dispatched before ${dep} succeeded`,
          ).toBe('succeeded');
        }
      }
    }
    log.push(...events);
    return events;
  };
  apply({ type: 'Submit', workflowId: 'wf', definition: document, priority: 2, now });
  const outstanding: Array<{ taskId: string; attempt: number }> = [];
  const collect = () => {
    for (const event of log.slice(collected)) {
      if (event.type === 'TaskDispatched')
        outstanding.push({ taskId: event.taskId, attempt: event.attempt });
    }
    collected = log.length;
  };
  let collected = 0;
  for (
    let step = 0;
    step < 500 &&
    state.status !== 'succeeded' &&
    state.status !== 'failed' &&
    state.status !== 'degraded' &&
    state.status !== 'cancelled';
    step += 1
  ) {
    collect();
    now += 50;
    if (cancelAt !== undefined && step === cancelAt) {
      apply({ type: 'Cancel', reason: 'test', now });
      continue;
    }
    const next = outstanding.shift();
    if (!next) {
      const wake = nextWakeUp(state, DEFAULT_ENGINE_OPTIONS);
      now = Math.max(now, wake ?? now);
      apply({ type: 'Tick', now });
      continue;
    }
    const behaviour = behaviours[choice++ % behaviours.length]!;
    const report = (
      outcome: Parameters<typeof handle>[0] & { type: 'Report' } extends infer R
        ? R extends { outcome: infer O }
          ? O
          : never
        : never,
    ) =>
      apply({
        type: 'Report',
        taskId: next.taskId,
        attempt: next.attempt,
        worker: 'w',
        outcome,
        now,
      });
    if (behaviour === 'succeed') report({ kind: 'succeeded', result: { n: step }, durationMs: 1 });
    else if (behaviour === 'fail-retryable')
      report({
        kind: 'failed',
        error: { code: 'X', message: 'x', retryable: true },
        durationMs: 1,
      });
    else if (behaviour === 'fail-fatal')
      report({
        kind: 'failed',
        error: { code: 'X', message: 'x', retryable: false },
        durationMs: 1,
      });
    else if (behaviour === 'late-duplicate') {
      report({ kind: 'succeeded', result: { n: step }, durationMs: 1 });
      report({ kind: 'succeeded', result: { n: -1 }, durationMs: 1 });
    } else {
      report({ kind: 'started' }); // then silence: the heartbeat timeout must catch it
    }
  }
  return { state, log };
}

const settings = { numRuns: 150, seed: 20261128 };

describe('engine properties', () => {
  it('replaying any log it wrote yields the same state', () => {
    fc.assert(
      fc.property(
        workflowArb,
        fc.array(behaviourArb, { minLength: 1, maxLength: 20 }),
        fc.option(fc.nat(30), { nil: undefined }),
        (document, behaviours, cancelAt) => {
          const { state, log } = run(document, behaviours, cancelAt);
          const replayed = replay(log, initialState('wf'));
          expect(replayed).toEqual(state);
        },
      ),
      settings,
    );
  });

  it('ends every task in exactly one terminal state, and the workflow with one completion', () => {
    fc.assert(
      fc.property(
        workflowArb,
        fc.array(behaviourArb, { minLength: 1, maxLength: 20 }),
        fc.option(fc.nat(30), { nil: undefined }),
        (document, behaviours, cancelAt) => {
          const { state, log } = run(document, behaviours, cancelAt);
          expect(['succeeded', 'failed', 'degraded', 'cancelled']).toContain(state.status);
          expect(log.filter((event) => event.type === 'WorkflowCompleted')).toHaveLength(1);
          const endings = new Map<string, number>();
          for (const event of log) {
            if (
              ['TaskSucceeded', 'TaskFailed', 'TaskCancelled', 'TaskSkipped'].includes(event.type)
            ) {
              const id = (event as { taskId: string }).taskId;
              endings.set(id, (endings.get(id) ?? 0) + 1);
            }
          }
          for (const id of state.taskOrder) {
            expect(
              TERMINAL.has(state.tasks[id]!.status),
              `${id} is ${state.tasks[id]!.status}`,
            ).toBe(true);
            expect(endings.get(id), `${id} ended ${endings.get(id) ?? 0} times`).toBe(1);
          }
        },
      ),
      settings,
    );
  });

  it('never dispatches more than maxConcurrency at once', () => {
    fc.assert(
      fc.property(
        workflowArb,
        fc.array(behaviourArb, { minLength: 1, maxLength: 20 }),
        (document, behaviours) => {
          const { log } = run(document, behaviours, undefined);
          const state: WorkflowState = initialState('wf');
          for (const event of log) {
            replay([event], state);
            expect(Object.keys(state.active).length).toBeLessThanOrEqual(3);
          }
        },
      ),
      { ...settings, numRuns: 50 },
    );
  });
});
