import { SpecialistAnswer, type WorkflowDocument } from '@fanout/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgentTools } from './mod';
import { chatServer, completion, planRequest, type ChatServer } from './testing/mod';

const context = {
  signal: new AbortController().signal,
  workflowId: 'wf',
  taskId: 'ask/web',
  attempt: 1,
};
const webRun = (tools: ReturnType<typeof createAgentTools>) =>
  tools['agent.run'](
    planRequest({ specialist: 'web', goal: 'pull consumers' }),
    context,
  ) as Promise<Record<string, unknown>>;

let server: ChatServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the agent tools', () => {
  it('without a model, plan the web specialist by its templates', async () => {
    const step = await webRun(createAgentTools());
    const tasks = (step['plan'] as WorkflowDocument).phases[0]?.tasks ?? [];
    // The goal is its own topic: 31 distinct queries of 32.
    expect(tasks).toHaveLength(31);
    expect(tasks.every((task) => task.tool === 'web.search')).toBe(true);
  });

  it('with a model configured, plan the web specialist with it, and leave "plan" as given', async () => {
    server = await chatServer([completion({ content: 'Nothing found.' })]);
    const tools = createAgentTools({
      baseUrl: server.baseUrl,
      model: 'test-model',
      apiKey: 'test-key',
      maxRounds: 4,
      timeoutMs: 5_000,
      retries: 0,
      resultChars: 8_000,
    });
    const step = await webRun(tools);
    expect(SpecialistAnswer.parse(step['answer'])).toMatchObject({
      planner: 'model',
      summary: 'Nothing found.',
    });
    const plan = { phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop' }] }] };
    const given = await tools['agent.run'](
      planRequest({ specialist: 'plan', goal: 'g', plan } as never),
      context,
    );
    expect(given).toMatchObject({ plan, last: true });
    expect(server.requests).toHaveLength(1);
  });
});
