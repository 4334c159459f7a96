import type { AskAnswer } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { askDocument, askMarkdown, type AskOutcome } from './ask-report';

const report: AskAnswer = {
  goal: 'where is computeTotal defined',
  answer: '2 findings from codebase, web. All 2 citations checked out.',
  specialists: [
    {
      specialist: 'codebase',
      planner: 'templates',
      summary: 'defined once',
      findings: [
        {
          specialist: 'codebase',
          claim: 'computeTotal is defined in src/total.ts',
          evidence: [
            { path: 'src/total.ts', line: 3, text: '  export function computeTotal(`a`) {' },
          ],
        },
      ],
      notDone: [{ what: 'read the Go files', why: 'budget spent' }],
    },
    {
      specialist: 'web',
      planner: 'templates',
      summary: '',
      findings: [
        {
          specialist: 'web',
          claim: 'the docs\nexplain it',
          evidence: [{ url: 'https://docs.example/t', quote: 'computeTotal\n  adds things' }],
        },
      ],
      notDone: [],
    },
  ],
  validation: {
    passed: 2,
    failed: 1,
    failures: [
      { specialist: 'codebase', claim: 'cart.ts calls it', reason: 'src/cart.ts:9: it reads "x"' },
    ],
  },
  notDone: [{ what: 'ask the ops specialist', why: 'it failed: UNKNOWN_SPECIALIST no "ops"' }],
};

const outcome: AskOutcome = {
  goal: 'where is computeTotal defined',
  workflowId: 'wf-1',
  status: 'succeeded',
  report,
  tree: { workflowId: 'wf-1', specialist: null, depth: 0, tasks: 1, children: [] },
  usage: { tasks: 12, toolCalls: 9, durationMs: 2_345, tokens: 0 },
};

describe('the report of an ask', () => {
  it('is Markdown: the goal, the answer, findings with their evidence, what failed its check, what was not done', () => {
    expect(askMarkdown(outcome)).toBe(
      [
        '# where is computeTotal defined',
        '',
        '## Answer',
        '',
        '2 findings from codebase, web. All 2 citations checked out.',
        '',
        '## codebase',
        '',
        'defined once',
        '',
        '- computeTotal is defined in src/total.ts',
        // The line's own backticks stay inside: the fence is longer than any run of them.
        '  - `src/total.ts:3` ``export function computeTotal(`a`) {``',
        '',
        '## web',
        '',
        '- the docs explain it',
        '  - <https://docs.example/t>: “computeTotal adds things”',
        '',
        '## Did not check out',
        '',
        '- codebase: cart.ts calls it — src/cart.ts:9: it reads "x"',
        '',
        '## Not done',
        '',
        '- ask the ops specialist — it failed: UNKNOWN_SPECIALIST no "ops"',
        '- codebase: read the Go files — budget spent',
        '',
        '_succeeded in 2.3 s: 12 tasks, 9 tool calls, 0 model tokens (workflow wf-1)._',
        '',
      ].join('\n'),
    );
  });

  it('says why there is no answer when the master gave none', () => {
    const failed = {
      ...outcome,
      status: 'failed' as const,
      report: undefined,
      failure: 'the master failed: BAD_CONTEXT x',
    };
    expect(askMarkdown(failed)).toContain('No answer: the master failed: BAD_CONTEXT x.');
    expect(askDocument(failed)).toMatchObject({ status: 'failed', findings: [], notDone: [] });
  });

  it('as JSON holds every finding flat with its specialist, the tree, the usage and the Markdown', () => {
    const document = askDocument(outcome);
    expect(document).toEqual({
      goal: 'where is computeTotal defined',
      status: 'succeeded',
      report: askMarkdown(outcome),
      findings: [report.specialists[0]!.findings[0], report.specialists[1]!.findings[0]],
      validation: report.validation,
      notDone: [
        report.notDone[0],
        { specialist: 'codebase', what: 'read the Go files', why: 'budget spent' },
      ],
      tree: outcome.tree,
      usage: outcome.usage,
    });
  });
});
