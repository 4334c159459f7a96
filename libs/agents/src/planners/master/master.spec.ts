import {
  AgentRun,
  AskAnswer,
  type ChildOutcome,
  type SpecialistAnswer,
  type ToolInputOf,
  type ToolOutputOf,
} from '@fanout/contracts';
import { validateDefinition } from '@fanout/workflow';
import { describe, expect, it } from 'vitest';
import type { PlanStep } from '../../planner';
import { masterPlanner } from './master';

const ROOT = '/srv/shop';
const signal = new AbortController().signal;

/** One step of the master on a request as the engine sends it, defaults applied. */
const step = (request: Partial<ToolInputOf<'agent.run'>>) =>
  masterPlanner.step(
    AgentRun.input.parse({ specialist: 'master', goal: 'where is computeTotal', ...request }),
    signal,
  );

type Task = ChildOutcome['synthesis']['tasks'][number];

/** A plan as these specs read it. */
interface Plan {
  budget?: unknown;
  phases: Array<{ id: string; tasks: Array<{ id: string; input: Record<string, unknown> }> }>;
}

/** The plan of a step that must be one, checked to be a valid workflow. */
function planOf(step: PlanStep): Plan {
  if (!('plan' in step)) throw new Error(`expected a plan, got ${JSON.stringify(step)}`);
  expect(validateDefinition(step.plan).ok).toBe(true);
  return step.plan as unknown as Plan;
}

/** The report of a step that must be the answer, checked against its contract. */
function reportOf(step: PlanStep) {
  if (!('answer' in step)) throw new Error(`expected an answer, got ${JSON.stringify(step)}`);
  return AskAnswer.parse(step.answer);
}

/** How a round's child ended: its tasks and the results of its final ones. */
function outcome(round: number, tasks: Task[], result: Record<string, unknown>): ChildOutcome {
  const failed = tasks.filter((task) => task.status !== 'succeeded').length;
  const status = failed ? 'degraded' : 'succeeded';
  return {
    round,
    childWorkflowId: `ask-master-r${round}`,
    status,
    synthesis: {
      status,
      durationMs: 10,
      counts: {
        total: tasks.length,
        succeeded: tasks.length - failed,
        failed,
        cancelled: 0,
        skipped: 0,
      },
      phases: [],
      omittedTasks: 0,
      tasks,
    },
    result,
    usage: { tasks: tasks.length, toolCalls: tasks.length, durationMs: 10, tokens: 0 },
  };
}

const codebase: SpecialistAnswer = {
  specialist: 'codebase',
  planner: 'templates',
  summary: 'computeTotal is defined once and called twice',
  findings: [
    {
      specialist: 'codebase',
      claim: 'computeTotal is defined in src/total.ts',
      evidence: [{ path: 'src/total.ts', line: 3, text: 'export function computeTotal(' }],
    },
    {
      specialist: 'codebase',
      claim: 'cart.ts calls computeTotal',
      evidence: [{ path: 'src/cart.ts', line: 9, text: 'computeTotal(items)' }],
    },
  ],
  notDone: [],
};

const web: SpecialistAnswer = {
  specialist: 'web',
  planner: 'templates',
  summary: 'one page explains it',
  findings: [
    {
      specialist: 'web',
      claim: 'the docs describe computeTotal',
      evidence: [{ url: 'https://docs.example/total', quote: 'computeTotal adds ${{ tax }}' }],
    },
  ],
  notDone: [{ what: 'search a second provider', why: 'none configured' }],
  pages: [{ url: 'https://docs.example/total', text: 'Intro. computeTotal adds ${{ tax }} too.' }],
};

const succeeded = (name: string): Task => ({
  taskId: `specialists/${name}`,
  tool: 'agent.run',
  status: 'succeeded',
  attempts: 1,
});
const answered = (answer: SpecialistAnswer) => ({ answer, rounds: [], usage: {} });

/** Round one: codebase and web answered, ops is not hosted. */
const roundOne = outcome(
  1,
  [
    succeeded('codebase'),
    succeeded('web'),
    {
      taskId: 'specialists/ops',
      tool: 'agent.run',
      status: 'failed',
      attempts: 1,
      error: {
        code: 'UNKNOWN_SPECIALIST',
        message: 'there is no specialist "ops"',
        retryable: false,
      },
    },
  ],
  { 'specialists.codebase': answered(codebase), 'specialists.web': answered(web) },
);
const allThree = { root: ROOT, specialists: ['codebase', 'web', 'ops'] };

describe('the master', () => {
  describe('round one: asking the specialists', () => {
    it('asks the codebase specialist when there is a tree, and the web one for "latest docs"', async () => {
      const first = await step({
        goal: 'what do the latest docs say about computeTotal',
        context: { root: ROOT },
        budget: { maxTasks: 101, maxConcurrency: 16, maxDurationMs: 100_000 },
      });
      expect(first).toMatchObject({ last: false });
      const plan = planOf(first);
      expect(plan).toMatchObject({
        budget: { maxTasks: 100, maxConcurrency: 16, maxDurationMs: 80_000 },
        phases: [{ id: 'specialists', barrier: { policy: 'degrade' } }],
      });
      const tasks = plan.phases[0]!.tasks;
      // 100 tasks for the round: one per specialist task, 49 for each of their children.
      const budget = { maxTasks: 49, maxConcurrency: 8, maxDurationMs: 72_000 };
      expect(tasks).toEqual([
        expect.objectContaining({
          id: 'codebase',
          tool: 'agent.run',
          input: {
            specialist: 'codebase',
            goal: 'what do the latest docs say about computeTotal',
            context: { root: ROOT },
            budget,
          },
        }),
        expect.objectContaining({
          id: 'web',
          input: expect.objectContaining({ specialist: 'web', budget }),
        }),
      ]);
    });

    it('asks exactly those context.specialists names, hosted or not', async () => {
      const first = planOf(await step({ context: allThree }));
      expect(first.phases[0]!.tasks.map((task) => task.id)).toEqual(['codebase', 'web', 'ops']);
    });

    it('asks only the first specialists when the budget has no tasks for the others', async () => {
      const first = planOf(await step({ context: allThree, budget: { maxTasks: 5 } }));
      // 4 tasks for the round, two for each specialist: its own and one for its child.
      expect(first.phases[0]!.tasks.map((task) => [task.id, task.input['budget']])).toEqual([
        ['codebase', { maxTasks: 1 }],
        ['web', { maxTasks: 1 }],
      ]);
    });

    it('answers at once, with why, when the budget has no task for any specialist', async () => {
      const only = await step({ context: { root: ROOT }, budget: { maxTasks: 2 } });
      const report = reportOf(only);
      expect(report.specialists).toEqual([]);
      expect(report.notDone).toEqual([
        { what: 'ask the codebase specialist', why: expect.stringContaining('budget') },
      ]);
    });

    it('refuses a context it cannot read, saying what is wrong', async () => {
      await expect(step({ context: { specialists: ['Web Search'] } })).rejects.toMatchObject({
        code: 'BAD_CONTEXT',
        message: expect.stringContaining('specialists.0'),
      });
    });
  });

  describe('round two: checking the evidence', () => {
    it('checks every cited line against the root and every cited URL against the pages fetched', async () => {
      const second = planOf(await step({ context: allThree, rounds: [roundOne] }));
      expect(second).toMatchObject({
        phases: [
          {
            id: 'validate',
            barrier: { policy: 'degrade' },
            tasks: [{ id: 'evidence', tool: 'agent.validate' }],
          },
        ],
      });
      const input = second.phases[0]!.tasks[0]!.input;
      expect(input).toEqual({
        root: ROOT,
        claims: [
          { kind: 'line', path: 'src/total.ts', line: 3, text: 'export function computeTotal(' },
          { kind: 'line', path: 'src/cart.ts', line: 9, text: 'computeTotal(items)' },
          // A reference opening in text would be read as one: broken the same on both sides.
          {
            kind: 'url',
            url: 'https://docs.example/total',
            quote: 'computeTotal adds $ {{ tax }}',
          },
        ],
        fetched: [
          { url: 'https://docs.example/total', text: 'Intro. computeTotal adds $ {{ tax }} too.' },
        ],
      });
    });

    it('answers without a check when nothing was cited', async () => {
      const bare = {
        ...codebase,
        findings: [{ specialist: 'codebase', claim: 'nothing matches', evidence: [] }],
      };
      const round = outcome(1, [succeeded('codebase')], { 'specialists.codebase': answered(bare) });
      const done = await step({ context: { root: ROOT }, rounds: [round] });
      const report = reportOf(done);
      expect(report.specialists[0]!.findings).toEqual(bare.findings);
      expect(report.validation).toEqual({ passed: 0, failed: 0, failures: [] });
    });
  });

  describe('the answer', () => {
    const verdicts: ToolOutputOf<'agent.validate'> = {
      results: [
        { claim: { kind: 'line', path: 'src/total.ts', line: 3 }, ok: true },
        {
          claim: { kind: 'line', path: 'src/cart.ts', line: 9 },
          ok: false,
          reason: 'it reads "  return 0;"',
        },
        { claim: { kind: 'url', url: 'https://docs.example/total' }, ok: true },
      ],
      passed: 2,
      failed: 1,
    };
    const roundTwo = outcome(
      2,
      [{ taskId: 'validate/evidence', tool: 'agent.validate', status: 'succeeded', attempts: 1 }],
      {
        'validate.evidence': verdicts,
      },
    );

    it('keeps the findings that checked out, lists those that did not, and says who did not answer', async () => {
      const done = await step({
        goal: 'where is computeTotal',
        context: allThree,
        rounds: [roundOne, roundTwo],
      });
      const report = reportOf(done);
      expect(report.goal).toBe('where is computeTotal');
      expect(
        report.specialists.map((answer) => [
          answer.specialist,
          answer.findings.map((f) => f.claim),
        ]),
      ).toEqual([
        ['codebase', ['computeTotal is defined in src/total.ts']],
        ['web', ['the docs describe computeTotal']],
      ]);
      expect(report.validation).toEqual({
        passed: 2,
        failed: 1,
        failures: [
          {
            specialist: 'codebase',
            claim: 'cart.ts calls computeTotal',
            reason: 'src/cart.ts:9: it reads "  return 0;"',
          },
        ],
      });
      expect(report.notDone).toEqual([
        {
          what: 'ask the ops specialist',
          why: 'it failed: UNKNOWN_SPECIALIST there is no specialist "ops"',
        },
      ]);
      expect(report.answer).toBe(
        [
          '2 findings from codebase, web. 2 of 3 citations checked out; the findings resting on the other 1 were left out.',
          '1 specialist did not answer (see Not done).',
          '',
          '**codebase**: computeTotal is defined once and called twice',
          '- computeTotal is defined in src/total.ts (`src/total.ts:3`)',
          '',
          '**web**: one page explains it',
          '- the docs describe computeTotal (<https://docs.example/total>)',
        ].join('\n'),
      );
    });

    it('keeps the findings unchecked, and says so, when the check could not run', async () => {
      const failedCheck = outcome(
        2,
        [
          {
            taskId: 'validate/evidence',
            tool: 'agent.validate',
            status: 'failed',
            attempts: 1,
            error: { code: 'TIMEOUT', message: 'too slow', retryable: true },
          },
        ],
        {},
      );
      const done = await step({ context: allThree, rounds: [roundOne, failedCheck] });
      const report = reportOf(done);
      expect(report.specialists[0]!.findings).toHaveLength(2);
      expect(report.notDone).toContainEqual({
        what: 'check the citations',
        why: 'TIMEOUT too slow',
      });
    });

    it('counts an answer that is not a specialist answer as not done', async () => {
      const odd = outcome(1, [succeeded('codebase')], {
        'specialists.codebase': answered({ hello: 1 } as never),
      });
      const done = await step({ context: { root: ROOT }, rounds: [odd] });
      const report = reportOf(done);
      expect(report.notDone).toEqual([
        {
          what: 'ask the codebase specialist',
          why: expect.stringContaining("is not a specialist's answer"),
        },
      ]);
    });
  });
});
