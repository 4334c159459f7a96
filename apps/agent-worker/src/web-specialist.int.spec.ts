import { normalizeQuery, SpecialistAnswer, subjects, type WorkflowEvent } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import { startNats, startService, type NatsServer, type ServiceProcess } from '@fanout/testing';
import { chatServer, completion } from '@fanout/agents/testing';
import { page, serve, type TestServer } from '@fanout/tools-web/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Connection = Awaited<ReturnType<typeof connectNats>>;

const GOAL = 'How do JetStream pull consumers deliver messages?';

/** What each served page says: the text an answer may quote, and nothing else. */
const SAYS: Record<string, string> = {
  '/docs/pull':
    'JetStream pull consumers deliver messages in batches that the client fetches on demand. Acknowledgement decides redelivery.',
  '/docs/push':
    'Push consumers deliver messages to a subject as soon as they arrive. Acknowledgement works the same way for both.',
  '/blog/moving':
    'We moved our services to pull consumers: acknowledgement and redelivery became predictable under load.',
  '/docs/redelivery':
    'Redelivery of unacknowledged messages by JetStream consumers follows the acknowledgement wait of the consumer.',
};

/** A page as a site serves it: an article holding what it says. */
const article = (path: string) =>
  page(
    `<!doctype html><html><head><title>Page ${path}</title></head><body><article>` +
      `<h1>Page ${path}</h1><p>${SAYS[path]}</p></article></body></html>`,
  );

// Whole processes: on a loaded machine this takes tens of seconds.
describe(
  'the web specialist, run by the agent worker with a web worker',
  { timeout: 180_000 },
  () => {
    let nats: NatsServer;
    let connection: Connection;
    const processes: ServiceProcess[] = [];
    const servers: { close(): Promise<void> }[] = [];
    const queries: string[] = [];
    let docs: TestServer;
    let blog: TestServer;
    let search: TestServer;

    beforeAll(async () => {
      nats = await startNats();
      connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
      docs = await serve(
        Object.fromEntries(
          ['/docs/pull', '/docs/push', '/docs/redelivery'].map((path) => [path, article(path)]),
        ),
        '127.0.0.7',
      );
      blog = await serve({ '/blog/moving': article('/blog/moving') }, '127.0.0.8');
      // A SearXNG-shaped endpoint: the documentation for most queries, the blog for some,
      // and the redelivery page only for a query that asks about redelivery.
      search = await serve({
        '/search': (req, res) => {
          const query = new URL(req.url ?? '/', 'http://x').searchParams.get('q') ?? '';
          queries.push(query);
          const urls = query.includes('redelivery')
            ? [`${docs.origin}/docs/redelivery`]
            : [
                `${docs.origin}/docs/pull`,
                `${docs.origin}/docs/push`,
                `${blog.origin}/blog/moving`,
              ];
          const results = urls.map((url, i) => ({ url, title: `hit ${i}`, content: query }));
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ results }));
        },
      });
      servers.push(docs, blog, search);
    });

    afterAll(async () => {
      await Promise.all(processes.splice(0).map((process) => process.stop()));
      for (const server of servers) await server.close();
      await connection?.close();
      await nats?.stop();
    });

    /** An installation of its own (a prefix, an orchestrator, an agent and a web worker). */
    async function install(agentEnv: Record<string, string>, searxng = search.origin) {
      const names = subjects(`webspec${process.pid}x${processes.length}`);
      await ensureTopology(connection, { prefix: names.prefix });
      const start = (name: string, env: Record<string, string> = {}) => {
        const service = startService(nats.url, names.prefix, name, { env });
        processes.push(service);
        return service;
      };
      await Promise.all([
        start('orchestrator', { FANOUT_ORCHESTRATOR_SCAN_EVERY_MS: '1000' }).ready(),
        start('agent-worker', agentEnv).ready(),
        start('web-worker', {
          FANOUT_SEARXNG_URL: searxng,
          // Tests only: opens the SSRF guard to this test's loopback sites.
          FANOUT_WEB_ALLOW: '127.0.0.0/8',
          FANOUT_WEB_POLITENESS_MS: '0',
        }).ready(),
      ]);
      return names;
    }

    /** Asks the web specialist the goal and waits for the agent task's result. */
    async function ask(names: ReturnType<typeof subjects>) {
      await new CommandBus(connection, names).publish({
        type: 'workflow.submit',
        commandId: 'submit-ask',
        workflowId: 'ask',
        workflow: {
          phases: [
            {
              id: 'ask',
              tasks: [{ id: 'web', tool: 'agent.run', input: { specialist: 'web', goal: GOAL } }],
            },
          ],
        },
      });
      const events = new EventStream(connection, names);
      const logOf = async (): Promise<WorkflowEvent[]> =>
        (await events.read({ workflowId: 'ask' })).map((stored) => stored.event);
      await expect
        .poll(async () => (await logOf()).some((event) => event.type === 'WorkflowCompleted'), {
          timeout: 150_000,
          interval: 500,
        })
        .toBe(true);
      const log = await logOf();
      expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
        status: 'succeeded',
      });
      const done = log.find(
        (event) => event.type === 'TaskSucceeded' && event.taskId === 'ask/web',
      );
      if (done?.type !== 'TaskSucceeded') throw new Error('the agent task did not succeed');
      return done.result as { answer: unknown; rounds: unknown[]; usage: { tokens: number } };
    }

    /** Every URL quote of the answer is in the page it cites, as served. */
    function expectQuotesServed(report: SpecialistAnswer) {
      const quotes = report.findings.flatMap((finding) => finding.evidence);
      for (const evidence of quotes) {
        if (!('url' in evidence)) throw new Error('web evidence cites a URL');
        expect(SAYS[new URL(evidence.url).pathname]).toContain(evidence.quote);
      }
      return quotes;
    }

    it('searches, reads, refines and answers with quotes that are in the pages served', async () => {
      // No model: the specialist plans by its templates.
      const { answer, rounds } = await ask(await install({ FANOUT_LLM_BASE_URL: '' }));

      // Searches, pages, refined searches, new pages.
      expect(rounds).toHaveLength(4);
      expect(queries.map(normalizeQuery)).toContain(normalizeQuery(GOAL));
      expect(queries.some((query) => query.endsWith(' redelivery'))).toBe(true);
      const report = SpecialistAnswer.parse(answer);
      expect(report).toMatchObject({ specialist: 'web', planner: 'templates', notDone: [] });
      expect(report.pages?.map((fetched) => new URL(fetched.url).pathname).sort()).toEqual([
        '/blog/moving',
        '/docs/pull',
        '/docs/push',
        '/docs/redelivery',
      ]);
      expect(expectQuotesServed(report).length).toBeGreaterThanOrEqual(4);
    });

    it('with a model: its calls run as one child, their results reach it, and its answer cites what was fetched', async () => {
      const pull = `${docs.origin}/docs/pull`;
      const chat = await chatServer([
        completion({
          tool_calls: [
            { id: 's1', function: { name: 'web_search', arguments: '{"query":"pull consumers"}' } },
            { id: 'f1', function: { name: 'web_fetch', arguments: { url: pull } } },
          ],
        }),
        completion({
          content: `JetStream pull consumers deliver messages in batches that the client fetches on demand (${pull}).`,
        }),
      ]);
      servers.push(chat);
      const names = await install({ FANOUT_LLM_BASE_URL: chat.baseUrl, FANOUT_LLM_RETRIES: '0' });
      const { answer, rounds, usage } = await ask(names);

      expect(rounds).toHaveLength(1);
      const sent = chat.requests[1]?.['messages'] as {
        role: string;
        tool_call_id?: string;
        content?: string;
      }[];
      const results = sent.filter((message) => message.role === 'tool');
      expect(results.map((message) => message.tool_call_id)).toEqual(['s1', 'f1']);
      expect(results[1]?.content).toContain('fetches on demand');
      const report = SpecialistAnswer.parse(answer);
      expect(report).toMatchObject({ specialist: 'web', planner: 'model', notDone: [] });
      expect(expectQuotesServed(report)).toEqual([
        { url: pull, quote: SAYS['/docs/pull']!.split(' Acknowledgement')[0] },
      ]);
      // Both model calls are charged to the agent.
      expect(usage.tokens).toBe(200);
    });

    it('without a search provider, answers that it had none, and its workflow goes on', async () => {
      const { answer, rounds } = await ask(await install({ FANOUT_LLM_BASE_URL: '' }, ''));
      expect(rounds).toHaveLength(1);
      expect(SpecialistAnswer.parse(answer)).toMatchObject({
        findings: [],
        notDone: [
          {
            what: 'web searches failed (32)',
            why: expect.stringMatching(/^no search provider: no search provider is configured/),
          },
        ],
      });
    });
  },
);
