import type { ChildOutcome } from '@fanout/contracts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DEPTH } from './agents';
import type { WorkflowState } from './state';
import { only, Scenario } from './testing/given-when-then';

/** What can happen to one agent task next, drawn at random. */
const actionArb = fc.record({
  pick: fc.nat(),
  asks: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
  uses: fc.nat(),
  answers: fc.boolean(),
  childFails: fc.boolean(),
  cancel: fc.integer({ min: 0, max: 40 }),
});

const childOutcome = (
  childWorkflowId: string,
  tasks: number,
  status: ChildOutcome['status'],
): ChildOutcome => ({
  round: 1,
  childWorkflowId,
  status,
  synthesis: {
    status,
    durationMs: 1,
    counts: { total: tasks, succeeded: tasks, failed: 0, cancelled: 0, skipped: 0 },
    phases: [],
    omittedTasks: 0,
    tasks: [],
  },
  usage: { tasks, toolCalls: tasks, durationMs: 1, tokens: 0 },
});

/** The escrow invariants: grants are what waiting tasks hold, and never more than is left. */
function checkEscrow(state: WorkflowState): void {
  const budget = state.definition!.budget;
  const waiting = Object.values(state.tasks).filter((task) => task.status === 'waiting-child');
  const granted = waiting.reduce((sum, task) => sum + (task.grant?.tasks ?? 0), 0);
  const slots = waiting.reduce((sum, task) => sum + (task.grant?.concurrency ?? 0), 0);
  expect(state.reservedTasks).toBe(granted);
  expect(state.reservedConcurrency).toBe(slots);
  expect(state.taskCount + state.reservedTasks).toBeLessThanOrEqual(budget.maxTasks);
  expect(state.activeCount + state.reservedConcurrency).toBeLessThanOrEqual(budget.maxConcurrency);
}

describe('agents, on random trees of rounds', () => {
  it('never grants children more than the parent has left, and returns every grant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 6, max: 120 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(actionArb, { minLength: 1, maxLength: 60 }),
        (agents, maxTasks, maxConcurrency, actions) => {
          const scenario = new Scenario();
          scenario.submit({
            budget: { maxTasks, maxConcurrency },
            phases: [
              {
                id: 'p',
                barrier: { policy: 'degrade' },
                tasks: Array.from({ length: agents }, (_, i) => ({
                  id: `a${i}`,
                  tool: 'agent.run',
                  input: { specialist: 'plan', goal: 'g' },
                })),
              },
            ],
          });
          checkEscrow(scenario.state);
          let at = 1;
          for (const action of actions) {
            if (scenario.state.status !== 'running') break;
            if (action.cancel === 0) {
              scenario.when({
                type: 'Cancel',
                reason: 'random',
                now: scenario.state.acceptedAt! + at,
              });
              checkEscrow(scenario.state);
              break;
            }
            const open = Object.values(scenario.state.tasks).filter(
              (task) => task.status === 'dispatched' || task.status === 'waiting-child',
            );
            if (open.length === 0) break;
            const task = open[action.pick % open.length]!;
            at += 1;
            if (task.status === 'waiting-child') {
              const used = Math.min(action.uses % 50, task.grant!.tasks);
              const status = action.childFails ? 'failed' : 'succeeded';
              const outcome = childOutcome(task.childWorkflowId!, used, status);
              scenario.report(task.id, { kind: 'child-ended', outcome }, at);
            } else if (action.answers) {
              scenario.succeed(task.id, at, { answer: 'done' });
            } else {
              const plan = {
                phases: [{ id: 'x', tasks: [{ id: 't', tool: 'noop' }] }],
                ...(action.asks === undefined ? {} : { budget: { maxTasks: action.asks } }),
              };
              const events = scenario.succeed(task.id, at, { plan });
              const started = only(events, 'ChildStarted')[0];
              if (started) {
                // What a child is granted fits in what was left before it started.
                expect(started.definition.budget.maxTasks).toBeGreaterThanOrEqual(1);
              }
            }
            checkEscrow(scenario.state);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('starts a child exactly when it is no deeper than 3 and than maxDepth', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        (depth, maxDepth) => {
          const scenario = new Scenario();
          const accepted = scenario.submit(
            {
              budget: { maxDepth },
              phases: [
                {
                  id: 'p',
                  tasks: [{ id: 'a', tool: 'agent.run', input: { specialist: 'plan', goal: 'g' } }],
                },
              ],
            },
            0,
            depth === 0
              ? {}
              : { parent: { workflowId: 'up', taskId: 'q/b', attempt: 1, round: 1, depth } },
          );
          if (depth > maxDepth) {
            expect(accepted[0]!.type).toBe('WorkflowRejected');
            return;
          }
          const plan = { phases: [{ id: 'x', tasks: [{ id: 't', tool: 'noop' }] }] };
          const events = scenario.succeed('p/a', 1, { plan });
          const allowed = depth + 1 <= Math.min(MAX_DEPTH, maxDepth);
          expect(events[0]!.type).toBe(allowed ? 'ChildStarted' : 'ChildRefused');
          if (allowed) {
            expect(only(events, 'ChildStarted')[0]!.definition.budget.maxDepth).toBeLessThanOrEqual(
              maxDepth,
            );
          }
        },
      ),
    );
  });
});
