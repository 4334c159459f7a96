import {
  SpecialistAnswer,
  WebSearch,
  type ChildOutcome,
  type WorkflowDocument,
} from '@fanout/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LlmConfig } from '../../llm-config';
import type { Planner, PlanRequest, PlanStep } from '../../planner';
import {
  chatServer,
  completion,
  type ChatServer,
  type ScriptedReply,
} from '../../testing/chat-server';
import { planRequest, runPlan, type PlannedTask } from '../../testing/rounds';
import { openAiChat } from './chat';
import { modelPlanner } from './model-planner';

const PAGE_URL = 'https://docs.example.org/consumers';
const PAGE_TEXT =
  'Pull consumers fetch messages in batches on demand. Push consumers deliver to a subject.';

/** The templates: one search round, then an answer saying so. */
const templates: Planner = {
  async step(request: PlanRequest): Promise<PlanStep> {
    if (request.rounds.length === 0) {
      return {
        plan: {
          phases: [
            {
              id: 'search',
              tasks: [{ id: 'q-0', tool: 'web.search', input: { query: request.goal } }],
            },
          ],
        },
        last: false,
        tokens: 0,
      };
    }
    const answer: SpecialistAnswer = {
      specialist: 'web',
      planner: 'templates',
      summary: `templates saw ${request.rounds.length} rounds of their own`,
      findings: [],
      notDone: [],
    };
    return { answer, tokens: 0 };
  },
};

/** Stand-in for the web worker: searches find the page, fetches read it. */
function web(task: PlannedTask) {
  if (task.tool === 'web.search') {
    return {
      result: {
        query: task.input['query'],
        provider: 'searxng',
        results: [{ url: PAGE_URL, title: 'Consumers', snippet: '', rank: 1, provider: 'searxng' }],
      },
    };
  }
  return {
    result: {
      url: task.input['url'],
      status: 200,
      contentType: 'text/html',
      title: 'Consumers',
      text: PAGE_TEXT,
      links: [],
      bytes: PAGE_TEXT.length,
      truncated: false,
    },
  };
}

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function plannerWith(script: ScriptedReply[], settings: Partial<LlmConfig> = {}) {
  server = await chatServer(script);
  const llm: LlmConfig = {
    baseUrl: server.baseUrl,
    model: 'test-model',
    apiKey: 'test-key',
    maxRounds: 4,
    timeoutMs: 5_000,
    retries: 0,
    resultChars: 8_000,
    ...settings,
  };
  const planner = modelPlanner({
    specialist: 'web',
    templates,
    tools: ['web.search', 'web.fetch'],
    chat: openAiChat(llm),
    maxRounds: llm.maxRounds,
    resultChars: llm.resultChars,
  });
  return { planner, requests: server.requests };
}

const signal = new AbortController().signal;
const ask = (rounds: ChildOutcome[] = [], budget = {}) =>
  planRequest({ specialist: 'web', goal: 'How do pull consumers get messages?', rounds, budget });
const tasksOf = (step: PlanStep) => {
  if (!('plan' in step)) throw new Error(`expected a plan, got ${JSON.stringify(step)}`);
  return (step.plan as WorkflowDocument).phases.flatMap((phase) =>
    phase.tasks.map((task) => ({
      id: `${phase.id}/${task.id}`,
      tool: task.tool,
      input: task.input,
    })),
  );
};
const planOf = (step: PlanStep) => {
  if (!('plan' in step)) throw new Error(`expected a plan, got ${JSON.stringify(step)}`);
  return step.plan as WorkflowDocument;
};
const answerOf = (step: PlanStep) => {
  if (!('answer' in step)) throw new Error(`expected an answer, got ${JSON.stringify(step)}`);
  return SpecialistAnswer.parse(step.answer);
};
type Sent = {
  role: string;
  content?: unknown;
  tool_call_id?: string;
  tool_calls?: { id: string }[];
};

describe('a model planner (against a loopback chat-completions server)', () => {
  it('offers the tools as functions whose parameters are the contracts’ input schemas', async () => {
    const { planner, requests } = await plannerWith([
      completion({ content: 'Nothing to look up.' }),
    ]);
    await planner.step(ask(), signal);
    const tools = requests[0]!['tools'] as {
      type: string;
      function: { name: string; parameters: unknown };
    }[];
    expect(tools.map((tool) => tool.function.name)).toEqual(['web_search', 'web_fetch']);
    const { $schema: _dialect, ...expected } = z.toJSONSchema(WebSearch.input, {
      io: 'input',
      target: 'draft-07',
    });
    expect(tools[0]!.function.parameters).toEqual(expected);
    expect(requests[0]).toMatchObject({ model: 'test-model', parallel_tool_calls: true });
  });

  it('runs one reply’s calls at once as one child, then sends their results back under their ids, and answers with evidence that exists', async () => {
    const { planner, requests } = await plannerWith([
      completion(
        {
          tool_calls: [
            {
              id: 'a1',
              type: 'function',
              function: { name: 'web_search', arguments: '{"query":"pull consumers"}' },
            },
            // Arguments as an object, as some endpoints send them.
            {
              id: 'b2',
              type: 'function',
              function: { name: 'web_fetch', arguments: { url: PAGE_URL } },
            },
          ],
        },
        120,
      ),
      completion(
        {
          content: `Pull consumers fetch messages in batches on demand (${PAGE_URL}).\nThey are described at https://elsewhere.example/never-fetched too.`,
        },
        300,
      ),
    ]);
    const first = await planner.step(ask(), signal);
    expect(first.tokens).toBe(120);
    expect(tasksOf(first)).toEqual([
      expect.objectContaining({ id: 'model/reply', tool: 'agent.aggregate' }),
      { id: 'model/call-0', tool: 'web.search', input: { query: 'pull consumers' } },
      { id: 'model/call-1', tool: 'web.fetch', input: { url: PAGE_URL } },
    ]);
    expect(planOf(first).phases[0]!.barrier).toEqual({
      policy: 'degrade',
    });

    const rounds = [runPlan(1, planOf(first), web)];
    const second = await planner.step(ask(rounds), signal);
    const sent = requests[1]!['messages'] as Sent[];
    expect(sent.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'tool',
    ]);
    expect(sent[2]!.tool_calls!.map((call) => call.id)).toEqual(['a1', 'b2']);
    expect(sent[3]).toMatchObject({
      tool_call_id: 'a1',
      content: expect.stringContaining(PAGE_URL),
    });
    expect(sent[4]).toMatchObject({
      tool_call_id: 'b2',
      content: expect.stringContaining('Pull consumers fetch'),
    });

    expect(second.tokens).toBe(300);
    const answer = answerOf(second);
    expect(answer).toMatchObject({ specialist: 'web', planner: 'model', notDone: [] });
    expect(answer.summary).toContain('Pull consumers fetch messages');
    // The page it fetched is evidence, quoted from the page; the one it never fetched is not.
    expect(answer.findings).toEqual([
      {
        specialist: 'web',
        claim: `Pull consumers fetch messages in batches on demand (${PAGE_URL}).`,
        evidence: [{ url: PAGE_URL, quote: 'Pull consumers fetch messages in batches on demand.' }],
      },
    ]);
    expect(answer.pages).toEqual([{ url: PAGE_URL, text: PAGE_TEXT }]);
  });

  it('gives calls without a usable id a stable one, and answers bad arguments with a tool error instead of running them', async () => {
    const { planner, requests } = await plannerWith([
      completion({
        tool_calls: [
          { function: { name: 'web_search', arguments: '{"query":"no id"}' } },
          { id: 42, function: { name: 'web_search', arguments: '{"query": unquoted}' } },
          { id: 'c', function: { name: 'web_fetch', arguments: '{"url":"not a url"}' } },
          { id: 'd', function: { name: 'bash_exec', arguments: '{}' } },
          { id: 'e', function: { name: 'web_search', arguments: '{"query":"${{ search.q.x }}"}' } },
        ],
      }),
      completion({ content: 'Done.' }),
    ]);
    const first = await planner.step(ask(), signal);
    expect(tasksOf(first).map((task) => task.id)).toEqual(['model/reply', 'model/call-0']);
    await planner.step(ask([runPlan(1, planOf(first), web)]), signal);
    const sent = requests[1]!['messages'] as Sent[];
    expect(sent[2]!.tool_calls!.map((call) => call.id)).toEqual([
      'call_r1_0',
      'call_r1_1',
      'c',
      'd',
      'e',
    ]);
    const tool = (id: string) =>
      String(sent.find((message) => message.tool_call_id === id)?.content);
    expect(tool('call_r1_0')).toContain('"results"');
    expect(tool('call_r1_1')).toContain('not valid JSON');
    expect(tool('c')).toContain('invalid arguments');
    expect(tool('d')).toContain('there is no tool \\"bash_exec\\"');
    expect(tool('e')).toContain('may not contain');
  });

  it('rebuilds the conversation from the rounds alone: the same rounds send the same messages', async () => {
    const reply = completion({
      tool_calls: [{ id: 'x', function: { name: 'web_search', arguments: '{"query":"q"}' } }],
    });
    const { planner, requests } = await plannerWith([
      reply,
      completion({ content: 'one' }),
      completion({ content: 'two' }),
    ]);
    const first = await planner.step(ask(), signal);
    const rounds = [runPlan(1, planOf(first), web)];
    await planner.step(ask(rounds), signal);
    await planner.step(ask(structuredClone(rounds)), signal);
    expect(requests[2]!['messages']).toEqual(requests[1]!['messages']);
  });

  it.each([
    ['not JSON', '<html>gateway</html>', /^MODEL_GARBAGE: the model's reply is not JSON/],
    [
      'JSON but no completion',
      { object: 'list', data: [] },
      /^MODEL_GARBAGE: the model's reply is not a chat completion/,
    ],
  ])(
    'falls back to the templates when the reply is %s, says why, and never asks the model again',
    async (_kind, body, why) => {
      const { planner, requests } = await plannerWith([{ body }]);
      const first = await planner.step(ask(), signal);
      expect(first.note).toMatch(why);
      expect(tasksOf(first).map((task) => task.id)).toEqual(['search/q-0', 'model-fallback/why']);
      const rounds = [runPlan(1, planOf(first), web)];
      const answer = answerOf(await planner.step(ask(rounds), signal));
      expect(requests).toHaveLength(1);
      expect(answer.planner).toBe('templates');
      expect(answer.summary).toBe('templates saw 1 rounds of their own');
      expect(answer.notDone).toEqual([
        {
          what: 'planning with the model after round 0 (the templates planned the rest)',
          why: expect.stringMatching(why),
        },
      ]);
    },
  );

  it('falls back to the templates when the endpoint says it does not support tools', async () => {
    const { planner } = await plannerWith([
      {
        status: 400,
        body: {
          error: {
            message: 'tools are not supported by this model',
            type: 'invalid_request_error',
          },
        },
      },
    ]);
    const first = await planner.step(ask(), signal);
    expect(first.note).toMatch(
      /^MODEL_REFUSED: the model refused: HTTP 400 .*tools are not supported/,
    );
    expect(tasksOf(first)[0]).toMatchObject({ tool: 'web.search' });
  });

  it('falls back to the templates when the endpoint cannot be reached, after model rounds too', async () => {
    const { planner } = await plannerWith([
      completion({
        tool_calls: [{ id: 'x', function: { name: 'web_search', arguments: '{"query":"q"}' } }],
      }),
    ]);
    const first = await planner.step(ask(), signal);
    const rounds = [runPlan(1, planOf(first), web)];
    await server!.close();
    const second = await planner.step(ask(rounds), signal);
    expect(second.note).toMatch(/^MODEL_UNREACHABLE: /);
    // The templates start from their own first round.
    expect(tasksOf(second).map((task) => task.id)).toEqual(['search/q-0', 'model-fallback/why']);
    const answer = answerOf(
      await planner.step(ask([...rounds, runPlan(2, planOf(second), web)]), signal),
    );
    expect(answer.notDone[0]!.what).toBe(
      'planning with the model after round 1 (the templates planned the rest)',
    );
  });

  it('stops when the model has spent its tokens, without asking it again', async () => {
    const { planner, requests } = await plannerWith([
      completion(
        {
          content: 'Looking.',
          tool_calls: [{ id: 'x', function: { name: 'web_search', arguments: '{"query":"q"}' } }],
        },
        500,
      ),
    ]);
    const first = await planner.step(ask([], { maxTokens: 400 }), signal);
    const rounds = [runPlan(1, planOf(first), web)];
    const answer = answerOf(await planner.step(ask(rounds, { maxTokens: 400 }), signal));
    expect(requests).toHaveLength(1);
    expect(answer).toMatchObject({
      planner: 'model',
      summary: 'Looking.',
      notDone: [
        { what: 'finishing the investigation', why: 'the model spent 500 of its 400 tokens' },
      ],
    });
  });

  it('runs no more calls a round than the task budget leaves beside the reply record', async () => {
    const call = (n: number) => ({
      id: `k${n}`,
      function: { name: 'web_search', arguments: `{"query":"q${n}"}` },
    });
    const { planner } = await plannerWith([
      completion({ tool_calls: [call(0), call(1), call(2)] }),
    ]);
    const first = await planner.step(ask([], { maxTasks: 3 }), signal);
    expect(tasksOf(first).map((task) => task.id)).toEqual([
      'model/reply',
      'model/call-0',
      'model/call-1',
    ]);
  });

  it('tells the model to answer once it has had its rounds, offering no tools', async () => {
    const reply = () =>
      completion({
        tool_calls: [{ id: 'x', function: { name: 'web_search', arguments: '{"query":"q"}' } }],
      });
    const { planner, requests } = await plannerWith([reply(), completion({ content: 'Final.' })], {
      maxRounds: 1,
    });
    const first = await planner.step(ask(), signal);
    const rounds = [runPlan(1, planOf(first), web)];
    expect(answerOf(await planner.step(ask(rounds), signal)).summary).toBe('Final.');
    expect(requests[1]!['tools']).toBeUndefined();
  });
});
