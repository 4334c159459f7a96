import type { ChildOutcome, WorkflowDocument } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { childWorkflowId } from './agents';
import { only, Scenario, summary, T0 } from './testing/given-when-then';

const noop = (id: string, extra: Record<string, unknown> = {}) => ({ id, tool: 'noop', ...extra });
const agent = (id: string, input: Record<string, unknown> = {}) => ({
  id,
  tool: 'agent.run',
  input: { specialist: 'plan', goal: 'find things', ...input },
});
const childPlan = (tasks = 2) => ({
  phases: [{ id: 'do', tasks: Array.from({ length: tasks }, (_, i) => noop(`t${i}`)) }],
});

/** The outcome a child's owner reports when the child ends. */
function ended(
  childWorkflowId: string,
  status: ChildOutcome['status'] = 'succeeded',
  usage = { tasks: 2, toolCalls: 2, durationMs: 40, tokens: 0 },
  failure?: { code: string; message: string; retryable: boolean },
): ChildOutcome {
  return {
    round: 1,
    childWorkflowId,
    status,
    synthesis: {
      status,
      durationMs: usage.durationMs,
      counts: {
        total: 2,
        succeeded: status === 'succeeded' ? 2 : 1,
        failed: 0,
        cancelled: 0,
        skipped: 0,
      },
      phases: [],
      omittedTasks: 0,
      tasks: failure
        ? [{ taskId: 'do/t0', tool: 'noop', status: 'failed', attempts: 1, error: failure }]
        : [],
    },
    result: { 'do.t0': { echo: 'found' } },
    usage,
  };
}

function oneAgent(document: Partial<WorkflowDocument> = {}, input: Record<string, unknown> = {}) {
  const scenario = new Scenario();
  const events = scenario.submit({
    phases: [{ id: 'p', tasks: [agent('a', input)] }],
    ...document,
  } as WorkflowDocument);
  return { scenario, events };
}

describe('an agent task and its child workflow', () => {
  it('starts a child for the plan its attempt returns, and waits for it without a worker', () => {
    const { scenario } = oneAgent({ budget: { maxTasks: 50, maxConcurrency: 8 } });
    const events = scenario.succeed('p/a', 5, { plan: childPlan() });
    expect(summary(events)).toEqual(['ChildStarted p/a']);
    const started = only(events, 'ChildStarted')[0]!;
    expect(started).toMatchObject({
      round: 1,
      childWorkflowId: childWorkflowId('wf', 'p/a', 1),
      // What it may use is what the parent had left: 49 tasks (the agent task is one), its
      // concurrency, and the plan's budget says nothing more.
      definition: { budget: { maxTasks: 49, maxConcurrency: 8, maxDepth: 3 } },
    });
    expect(scenario.state.tasks['p/a']!.status).toBe('waiting-child');
    expect(scenario.state.activeCount).toBe(0);
    expect(scenario.state.reservedTasks).toBe(49);
    // Silence does not fail a waiting task: it has no attempt out with a worker.
    expect(scenario.tick(10 * 60_000)).toEqual([]);
  });

  it('plans again with what the child did, then succeeds with its answer, every round and the usage', () => {
    const { scenario } = oneAgent();
    const child = only(scenario.succeed('p/a', 5, { plan: childPlan() }), 'ChildStarted')[0]!;
    const outcome = ended(child.childWorkflowId);
    const next = scenario.report('p/a', { kind: 'child-ended', outcome }, 50);
    expect(summary(next)).toEqual(['ChildCompleted p/a', 'TaskDispatched p/a']);
    const again = only(next, 'TaskDispatched')[0]!;
    expect(again).toMatchObject({ attempt: 2, input: { rounds: [outcome] } });
    expect(scenario.state.reservedTasks).toBe(0);

    const done = scenario.succeed('p/a', 60, { answer: 'all found', tokens: 7 });
    const result = only(done, 'TaskSucceeded')[0]!.result;
    expect(result).toEqual({
      answer: 'all found',
      rounds: [outcome],
      usage: { tasks: 2, toolCalls: 2, durationMs: 40, tokens: 7 },
    });
    const end = only(done, 'WorkflowCompleted')[0]!;
    expect(end.synthesis.usage).toMatchObject({ tasks: 3, toolCalls: 2, tokens: 7 });
  });

  it('answers with the child’s result, without asking again, when the plan was its last round', () => {
    const { scenario } = oneAgent();
    const planned = scenario.succeed('p/a', 5, { plan: childPlan(), last: true });
    const child = only(planned, 'ChildStarted')[0]!;
    expect(child.last).toBe(true);
    const outcome = ended(child.childWorkflowId);
    const events = scenario.report('p/a', { kind: 'child-ended', outcome }, 50);
    expect(summary(events)).toEqual([
      'ChildCompleted p/a',
      'TaskSucceeded p/a',
      'PhaseCompleted p succeeded',
      'WorkflowCompleted succeeded',
    ]);
    expect(only(events, 'TaskSucceeded')[0]!.result).toMatchObject({
      answer: outcome.result,
      rounds: [outcome],
    });
  });

  it('fails with the child’s cause chain when its child failed', () => {
    const { scenario } = oneAgent();
    const child = only(scenario.succeed('p/a', 5, { plan: childPlan() }), 'ChildStarted')[0]!;
    const broke = { code: 'EXIT_NONZERO', message: 'npm test exited 1', retryable: false };
    const outcome = ended(child.childWorkflowId, 'failed', undefined, broke);
    const events = scenario.report('p/a', { kind: 'child-ended', outcome }, 50);
    expect(summary(events).slice(0, 3)).toEqual([
      'ChildCompleted p/a',
      'TaskAttemptFailed p/a',
      'TaskFailed p/a',
    ]);
    expect(only(events, 'TaskFailed')[0]!.error).toMatchObject({
      code: 'CHILD_FAILED',
      cause: broke,
    });
    expect(scenario.state.reservedTasks).toBe(0);
  });

  it('ignores the end of a child it no longer waits for', () => {
    const { scenario } = oneAgent();
    scenario.succeed('p/a', 5, { plan: childPlan() });
    const stray = ended('wf-someone-else');
    expect(scenario.report('p/a', { kind: 'child-ended', outcome: stray }, 50)).toEqual([]);
  });
});

describe('depth', () => {
  it.each([
    [0, 'ChildStarted'],
    [1, 'ChildStarted'],
    [2, 'ChildStarted'],
    [3, 'ChildRefused'],
  ])('an agent of a workflow at depth %i: its child at the next depth is %s', (depth, expected) => {
    const scenario = new Scenario();
    scenario.submit({ phases: [{ id: 'p', tasks: [agent('a')] }] }, 0, {
      parent: { workflowId: 'up', taskId: 'q/b', attempt: 1, round: 1, depth },
    } as never);
    const events = scenario.succeed('p/a', 5, { plan: childPlan() });
    expect(events[0]!.type).toBe(expected);
    if (expected === 'ChildRefused') {
      expect(only(events, 'ChildRefused')[0]).toMatchObject({ reason: 'depth' });
      expect(only(events, 'TaskFailed')[0]!.error).toMatchObject({
        code: 'CHILD_REFUSED',
        details: { reason: 'depth' },
      });
    }
  });

  it('keeps to a smaller maxDepth of the workflow', () => {
    const { scenario } = oneAgent({ budget: { maxDepth: 0 } });
    const events = scenario.succeed('p/a', 5, { plan: childPlan() });
    expect(only(events, 'ChildRefused')[0]).toMatchObject({ reason: 'depth' });
  });

  it('rejects a workflow submitted at depth 4', () => {
    const scenario = new Scenario();
    const events = scenario.submit({ phases: [{ id: 'p', tasks: [noop('t')] }] }, 0, {
      parent: { workflowId: 'up', taskId: 'q/b', attempt: 1, round: 1, depth: 4 },
    } as never);
    expect(summary(events)).toEqual(['WorkflowRejected']);
  });
});

describe('budget escrow', () => {
  it('refuses a child that asks for more tasks than are left, and 0 means none', () => {
    const { scenario } = oneAgent({ budget: { maxTasks: 10 } });
    const over = scenario.succeed('p/a', 5, { plan: { ...childPlan(), budget: { maxTasks: 50 } } });
    expect(only(over, 'ChildRefused')[0]).toMatchObject({ reason: 'budget' });

    const zero = oneAgent({}, { budget: { maxTasks: 0 } });
    expect(only(zero.events, 'TaskDispatched')[0]!.input).toMatchObject({
      budget: { maxTasks: 0 },
    });
    const refused = zero.scenario.succeed('p/a', 5, { plan: childPlan() });
    expect(only(refused, 'ChildRefused')[0]).toMatchObject({ reason: 'budget' });
  });

  it('refuses an agent input whose budget cannot be read, rather than giving it everything', () => {
    const { events } = oneAgent({}, { budget: { maxTasks: 'lots' } });
    expect(only(events, 'WorkflowRejected')[0]!.errors).toEqual([
      expect.objectContaining({ path: 'phases[0].tasks[0].input.budget.maxTasks' }),
    ]);
  });

  it("gives a later round what the earlier rounds left of the agent's own budget", () => {
    const { scenario } = oneAgent({ budget: { maxTasks: 20 } }, { budget: { maxTasks: 19 } });
    const first = only(scenario.succeed('p/a', 5, { plan: childPlan() }), 'ChildStarted')[0]!;
    expect(first.definition.budget.maxTasks).toBe(19);
    const usage = { tasks: 7, toolCalls: 7, durationMs: 10, tokens: 0 };
    const outcome = ended(first.childWorkflowId, 'succeeded', usage);
    scenario.report('p/a', { kind: 'child-ended', outcome }, 50);
    // 19 given, 7 used by round 1: 12 left, all of which the workflow still has.
    const second = only(scenario.succeed('p/a', 60, { plan: childPlan() }), 'ChildStarted')[0]!;
    expect(second.definition.budget.maxTasks).toBe(12);
  });

  it('sends a round whose results were stored apart by its reference alone, to later attempts and in the answer', () => {
    const { scenario } = oneAgent();
    const first = only(scenario.succeed('p/a', 5, { plan: childPlan() }), 'ChildStarted')[0]!;
    const ref = { bucket: 'fanout_results', name: 'child/outcome', size: 70_000 };
    const outcome = { ...ended(first.childWorkflowId), resultRef: ref };
    const next = scenario.report('p/a', { kind: 'child-ended', outcome }, 50);
    // The engine holds the results (the runner fetched them); the attempt gets the reference.
    expect(scenario.state.tasks['p/a']!.rounds![0]!.result).toEqual({ 'do.t0': { echo: 'found' } });
    const [sent] = (only(next, 'TaskDispatched')[0]!.input as { rounds: ChildOutcome[] }).rounds;
    expect(sent).toMatchObject({ childWorkflowId: first.childWorkflowId, resultRef: ref });
    expect(sent).not.toHaveProperty('result');
    const done = only(scenario.succeed('p/a', 60, { answer: { ok: true } }), 'TaskSucceeded')[0]!;
    const [answered] = (done.result as { rounds: ChildOutcome[] }).rounds;
    expect(answered).toMatchObject({ resultRef: ref });
    expect(answered).not.toHaveProperty('result');
  });

  it('returns to the parent what a child did not use', () => {
    const { scenario } = oneAgent({ budget: { maxTasks: 100 } });
    const child = only(
      scenario.succeed('p/a', 5, { plan: { ...childPlan(), budget: { maxTasks: 60 } } }),
      'ChildStarted',
    )[0]!;
    expect(scenario.state.reservedTasks).toBe(60);
    const usage = { tasks: 2, toolCalls: 2, durationMs: 10, tokens: 0 };
    scenario.report(
      'p/a',
      { kind: 'child-ended', outcome: ended(child.childWorkflowId, 'succeeded', usage) },
      50,
    );
    expect(scenario.state.reservedTasks).toBe(0);
    expect(scenario.state.taskCount).toBe(3); // the agent task and the 2 its child used
  });

  it('escrows the concurrency of running children: with maxConcurrency 1 every child runs, one at a time', () => {
    const scenario = new Scenario();
    scenario.submit({
      budget: { maxConcurrency: 1 },
      phases: [{ id: 'p', tasks: [agent('a'), agent('b'), agent('c')] }],
    });
    const busy = () =>
      Object.values(scenario.state.tasks).filter(
        (task) => task.status === 'dispatched' || task.status === 'waiting-child',
      );
    let at = 1;
    for (let step = 0; step < 20 && scenario.state.status === 'running'; step += 1) {
      expect(busy()).toHaveLength(1);
      const task = busy()[0]!;
      if (task.status === 'waiting-child') {
        const outcome = ended(task.childWorkflowId!);
        scenario.report(task.id, { kind: 'child-ended', outcome }, (at += 1));
      } else if ((task.round ?? 0) === 0) {
        const started = scenario.succeed(task.id, (at += 1), { plan: childPlan() });
        expect(only(started, 'ChildStarted')[0]!.definition.budget.maxConcurrency).toBe(1);
      } else {
        scenario.succeed(task.id, (at += 1), { answer: `${task.id} done` });
      }
    }
    expect(scenario.state.status).toBe('succeeded');
    expect(only(scenario.log, 'ChildStarted')).toHaveLength(3);
  });
});

describe('plans', () => {
  it('refuses a plan that is not a valid workflow, naming the problem', () => {
    const { scenario } = oneAgent();
    const events = scenario.succeed('p/a', 5, {
      plan: { phases: [{ id: 'x', tasks: [{ id: 't', tool: 'nope' }] }] },
    });
    expect(only(events, 'ChildRefused')[0]).toMatchObject({
      reason: 'plan',
      message: expect.stringContaining('phases[0].tasks[0].tool'),
    });
  });
});

describe('cancellation through the tree', () => {
  it('cancels a waiting agent task and names its child to be cancelled too', () => {
    const { scenario } = oneAgent();
    const child = only(scenario.succeed('p/a', 5, { plan: childPlan() }), 'ChildStarted')[0]!;
    const events = scenario.when({ type: 'Cancel', reason: 'enough', now: T0 + 10 });
    expect(only(events, 'TaskCancelled')[0]).toMatchObject({
      taskId: 'p/a',
      childWorkflowId: child.childWorkflowId,
      cancelChild: true,
    });
    expect(only(events, 'WorkflowCompleted')[0]!.status).toBe('cancelled');
    expect(scenario.state.reservedTasks).toBe(0);
  });

  it('leaves the child of onParentEnd "abandon" to finish', () => {
    const { scenario } = oneAgent({}, { onParentEnd: 'abandon' });
    scenario.succeed('p/a', 5, { plan: childPlan() });
    const events = scenario.when({ type: 'Cancel', reason: 'enough', now: T0 + 10 });
    expect(only(events, 'TaskCancelled')[0]).toMatchObject({ cancelChild: false });
  });
});

describe('replay', () => {
  it('rebuilds the waiting task, its round and its escrow from the log alone', () => {
    const { scenario } = oneAgent();
    scenario.succeed('p/a', 5, { plan: childPlan() });
    const replayed = new Scenario();
    for (const event of scenario.log) replayed.apply(event);
    expect(replayed.state.tasks['p/a']).toMatchObject({ status: 'waiting-child', round: 1 });
    expect(replayed.state.reservedTasks).toBe(scenario.state.reservedTasks);
  });
});
