import type { ChildOutcome, SpecialistAnswer, WorkflowDocument } from '@fanout/contracts';
import { SpecialistAnswer as SpecialistAnswerSchema } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { childOutcome, planRequest, type EndedTask } from '../../testing/rounds';
import { searchesFor } from './queries';
import { rankPages } from './rank-pages';
import { webPlanner } from './web-planner';

type Task = { id: string; tool: string; input: Record<string, unknown> };
const tasksOf = (plan: unknown): Task[] =>
  (plan as WorkflowDocument).phases.flatMap((phase) =>
    phase.tasks.map((task) => ({ ...task, id: `${phase.id}/${task.id}` }) as Task),
  );

const GOAL = 'How do JetStream pull consumers deliver messages?';

/** A web of three sites: what each query finds, and each page's text. */
const PAGES: Record<string, string> = {
  'https://docs.nats.io/pull': `JetStream pull consumers deliver messages in batches the client fetches on demand. Acknowledgement policies decide redelivery. Pull consumers scale horizontally.`,
  'https://docs.nats.io/push': `Push consumers deliver messages to a subject. Acknowledgement and redelivery work the same way. Flow control keeps slow subscribers safe.`,
  'https://example.org/blog': `A blog post: we moved to pull consumers and JetStream acknowledgement made redelivery predictable under load.`,
  'https://forum.dev/thread': `Question: my pull consumer stops delivering messages after redelivery, is flow control involved with acknowledgement?`,
  'https://docs.nats.io/flow': `Flow control and acknowledgement in JetStream consumers keep redelivery bounded.`,
};

function searchResults(query: string) {
  const urls = query.includes('acknowledgement')
    ? ['https://docs.nats.io/flow', 'https://docs.nats.io/pull']
    : query.includes('discussion')
      ? ['https://forum.dev/thread', 'https://docs.nats.io/pull']
      : [
          'https://docs.nats.io/pull',
          'https://docs.nats.io/push',
          'https://docs.nats.io/extra',
          'https://example.org/blog',
        ];
  return {
    query,
    provider: 'searxng',
    results: urls.map((url, i) => ({
      url,
      title: `t ${url}`,
      snippet: query,
      rank: i + 1,
      provider: 'searxng',
    })),
  };
}

/** Runs a round's plan against the little web above, as the engine would report it. */
function run(round: number, plan: unknown, noProvider = false): ChildOutcome {
  const ended: EndedTask[] = tasksOf(plan).map((task) => {
    if (task.tool === 'web.search') {
      return noProvider
        ? {
            id: task.id,
            tool: task.tool,
            error: {
              code: 'NO_SEARCH_PROVIDER',
              message: 'no search provider is configured',
              retryable: false,
            },
          }
        : { id: task.id, tool: task.tool, result: searchResults(String(task.input['query'])) };
    }
    const url = String(task.input['url']);
    const text = PAGES[url];
    if (text === undefined) {
      return {
        id: task.id,
        tool: task.tool,
        error: { code: 'HTTP_ERROR', message: '404', retryable: false },
      };
    }
    return {
      id: task.id,
      tool: task.tool,
      result: {
        url,
        status: 200,
        contentType: 'text/html',
        title: `Title of ${url}`,
        text,
        links: [],
        bytes: text.length,
        truncated: false,
      },
    };
  });
  return childOutcome(round, ended);
}

/** Steps the planner to its answer, recording each round's plan. */
async function investigate(goal = GOAL, noProvider = false, budget = {}) {
  const rounds: ChildOutcome[] = [];
  const plans: Task[][] = [];
  for (;;) {
    const step = await webPlanner.step(
      planRequest({ specialist: 'web', goal, rounds, budget }),
      new AbortController().signal,
    );
    if ('answer' in step)
      return { answer: SpecialistAnswerSchema.parse(step.answer), plans, tokens: step.tokens };
    plans.push(tasksOf(step.plan));
    rounds.push(run(rounds.length + 1, step.plan, noProvider));
  }
}

describe('the web specialist (templates)', () => {
  it('asks the goal in eight categories: 8, 6, 4, 4, 4, 3, 2, 1 variants', () => {
    const counts: Record<string, number> = {};
    for (const { category } of searchesFor(GOAL)) counts[category] = (counts[category] ?? 0) + 1;
    expect(counts).toEqual({
      'primary-research': 8,
      'technical-documentation': 6,
      'code-examples': 4,
      'api-documentation': 4,
      'framework-specific': 4,
      performance: 3,
      security: 2,
      community: 1,
    });
  });

  it('asks each query once however it is spelled', () => {
    // The goal is its own topic and already says "api": two variants collapse.
    const queries = searchesFor('Kafka  API').map((search) =>
      search.query.toLowerCase().replace(/\s+/g, ' '),
    );
    expect(new Set(queries).size).toBe(queries.length);
    expect(queries.filter((query) => query === 'kafka api')).toHaveLength(1);
    expect(searchesFor('Kafka  API')).toHaveLength(32 - 1);
  });

  it('ranks a page several queries found above one found once, and spreads the top over domains', () => {
    const hit = (url: string, rank: number) => ({
      url,
      title: url,
      snippet: '',
      rank,
      provider: 'p',
    });
    const ranked = rankPages([
      {
        query: 'a',
        provider: 'p',
        results: [
          hit('https://a.org/1', 1),
          hit('https://a.org/2', 2),
          hit('https://a.org/3', 3),
          hit('https://b.org/x', 4),
        ],
      },
      {
        query: 'b',
        provider: 'p',
        results: [hit('https://b.org/x', 1), hit('https://a.org/1#top', 5)],
      },
    ]);
    expect(ranked.map((page) => page.url)).toEqual([
      'https://b.org/x',
      'https://a.org/1',
      'https://a.org/2',
      'https://a.org/3',
    ]);
    expect(ranked[0]).toMatchObject({ foundBy: 2, domain: 'b.org' });
  });

  it('searches, reads the best pages, refines with what they say, reads more, and answers with quotes from them', async () => {
    const { answer, plans, tokens } = await investigate();
    expect(tokens).toBe(0);
    expect(plans.map((tasks) => tasks[0]!.tool)).toEqual([
      'web.search',
      'web.fetch',
      'web.search',
      'web.fetch',
    ]);
    expect(plans[0]).toHaveLength(32);
    expect(plans[0]!.every((task) => task.id.startsWith('search/q-'))).toBe(true);
    // The pages most queries found first (the community query's first hit, found once,
    // below them), and a site's third page after every other site's.
    expect(plans[1]!.map((task) => task.input['url'])).toEqual([
      'https://docs.nats.io/pull',
      'https://docs.nats.io/push',
      'https://example.org/blog',
      'https://forum.dev/thread',
      'https://docs.nats.io/extra',
    ]);
    // Terms on several pages the goal does not say.
    const refined = plans[2]!.map((task) => task.input['query']);
    expect(refined).toContain('jetstream pull consumers deliver messages acknowledgement');
    expect(refined).toContain('jetstream pull consumers deliver messages redelivery');
    expect(plans[3]!.map((task) => task.input['url'])).toEqual(['https://docs.nats.io/flow']);

    expect(answer).toMatchObject({ specialist: 'web', planner: 'templates' });
    expect(answer.findings.length).toBeGreaterThan(0);
    for (const finding of answer.findings) {
      for (const evidence of finding.evidence) {
        if (!('url' in evidence)) throw new Error('web evidence is a URL');
        expect(PAGES[evidence.url]).toContain(evidence.quote);
        expect(answer.pages?.find((page) => page.url === evidence.url)?.text).toContain(
          evidence.quote,
        );
      }
    }
    expect(answer.findings[0]!.evidence[0]).toEqual({
      url: 'https://docs.nats.io/pull',
      quote: 'JetStream pull consumers deliver messages in batches the client fetches on demand.',
    });
    expect(answer.notDone).toEqual([
      { what: 'pages could not be read (1)', why: 'HTTP_ERROR: 404' },
    ]);
  });

  it('plans the same rounds and the same answer every time: a pure function of its request', async () => {
    expect(await investigate()).toEqual(await investigate());
  });

  it('without a search provider, says so and answers rather than failing', async () => {
    const { answer, plans } = await investigate(GOAL, true);
    expect(plans).toHaveLength(1);
    expect(answer).toMatchObject({
      findings: [],
      notDone: [
        {
          what: 'web searches failed (32)',
          why: 'no search provider: no search provider is configured',
        },
      ],
    });
  });

  it('keeps every round within the task budget a child gets, and says what it left out', async () => {
    const { plans, answer } = await investigate(GOAL, false, { maxTasks: 5 });
    expect(plans.every((tasks) => tasks.length <= 5)).toBe(true);
    expect(answer.notDone).toContainEqual({
      what: '27 searches not asked',
      why: 'the task budget is 5 per round',
    });
  });

  it('declares its plans degrade rather than fail when a search or a page fails', async () => {
    const step = await webPlanner.step(
      planRequest({ specialist: 'web', goal: GOAL }),
      new AbortController().signal,
    );
    if (!('plan' in step)) throw new Error('expected a plan');
    expect((step.plan as WorkflowDocument).phases[0]!.barrier).toEqual({ policy: 'degrade' });
  });
});

export type { SpecialistAnswer };
