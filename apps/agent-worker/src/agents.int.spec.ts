import { subjects, type WorkflowDocument, type WorkflowEvent } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import { FanoutClient } from '@fanout/client';
import { startNats, startService, type NatsServer, type ServiceProcess } from '@fanout/testing';
import { childWorkflowId } from '@fanout/workflow';
import { noopTool, Worker } from '@fanout/worker-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

type Connection = Awaited<ReturnType<typeof connectNats>>;

let counter = 0;
const uniquePrefix = () => `agents${process.pid}x${++counter}`;

/** A child of a "plan" agent: `count` noop tool calls, each sleeping `sleepMs`. */
const executors = (count: number, sleepMs = 0) => ({
  phases: [
    {
      id: 'exec',
      tasks: Array.from({ length: count }, (_, i) => ({
        id: `call${i}`,
        tool: 'noop',
        input: { sleepMs, echo: i },
      })),
    },
  ],
});
const agent = (id: string, plan: unknown) => ({
  id,
  tool: 'agent.run',
  input: { specialist: 'plan', goal: `run ${id}`, plan },
});

// Whole trees of processes: on a loaded machine a test takes tens of seconds.
describe(
  'nested agents, with the orchestrator and the agent worker as processes',
  { timeout: 120_000 },
  () => {
    let nats: NatsServer;
    let connection: Connection;
    const processes: ServiceProcess[] = [];
    const workers: Worker[] = [];

    beforeAll(async () => {
      nats = await startNats();
      connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    });
    afterEach(async () => {
      await Promise.all(workers.splice(0).map((worker) => worker.drain(1_000)));
      await Promise.all(processes.splice(0).map((process) => process.stop()));
    });
    afterAll(async () => {
      await connection?.close();
      await nats?.stop();
    });

    /** An installation of its own: the streams, an orchestrator, an agent worker, noop slots. */
    async function install(agentSlots = 32) {
      const names = subjects(uniquePrefix());
      await ensureTopology(connection, { prefix: names.prefix });
      const orchestrator = startService(nats.url, names.prefix, 'orchestrator', {
        env: { FANOUT_ORCHESTRATOR_SCAN_EVERY_MS: '1000' },
      });
      const agents = startAgents(names.prefix, agentSlots);
      processes.push(orchestrator);
      const noop = new Worker({
        connection,
        names,
        service: 'test-worker',
        tools: { noop: noopTool },
      });
      await noop.start();
      workers.push(noop);
      await Promise.all([orchestrator.ready(), agents.ready()]);
      return {
        names,
        agents,
        bus: new CommandBus(connection, names),
        events: new EventStream(connection, names),
      };
    }

    function startAgents(prefix: string, slots: number): ServiceProcess {
      const agents = startService(nats.url, prefix, 'agent-worker', {
        env: { FANOUT_POOL_AGENT_RUN: String(slots) },
      });
      processes.push(agents);
      return agents;
    }

    async function submit(bus: CommandBus, workflowId: string, workflow: WorkflowDocument) {
      await bus.publish({
        type: 'workflow.submit',
        commandId: `submit-${workflowId}`,
        workflowId,
        workflow,
      });
    }

    async function logOf(events: EventStream, workflowId: string): Promise<WorkflowEvent[]> {
      return (await events.read({ workflowId })).map((stored) => stored.event);
    }

    async function completion(events: EventStream, workflowId: string, timeout = 60_000) {
      await expect
        .poll(
          async () => (await logOf(events, workflowId)).some((e) => e.type === 'WorkflowCompleted'),
          {
            timeout,
            interval: 200,
          },
        )
        .toBe(true);
      const log = await logOf(events, workflowId);
      return { log, end: log.find((event) => event.type === 'WorkflowCompleted')! };
    }

    it('runs a master, two specialists and 8 tool calls under each: the master’s result carries every child’s synthesis', async () => {
      const { names, bus, events } = await install();
      await submit(bus, 'master', {
        phases: [{ id: 'spec', tasks: [agent('web', executors(8)), agent('code', executors(8))] }],
      });
      const { log, end } = await completion(events, 'master');
      expect(end).toMatchObject({ status: 'succeeded' });
      if (end.type !== 'WorkflowCompleted') throw new Error('unreachable');
      expect(end.synthesis.usage).toMatchObject({ tasks: 2 + 16, toolCalls: 16 });
      const results = log.flatMap((event) => (event.type === 'TaskSucceeded' ? [event] : []));
      expect(results.map((event) => event.taskId).sort()).toEqual(['spec/code', 'spec/web']);
      for (const event of results) {
        const result = event.result as {
          answer: Record<string, unknown[]>;
          rounds: {
            childWorkflowId: string;
            status: string;
            synthesis: { counts: { succeeded: number } };
          }[];
        };
        expect(result.rounds).toHaveLength(1);
        expect(result.rounds[0]).toMatchObject({
          childWorkflowId: childWorkflowId('master', event.taskId, 1),
          status: 'succeeded',
          synthesis: { counts: { succeeded: 8 } },
        });
        expect(Object.keys(result.answer).sort()).toEqual(
          Array.from({ length: 8 }, (_, i) => `exec.call${i}`).sort(),
        );
      }
      // A client follows the whole tree: the master and each child, with their depth.
      const client = await FanoutClient.connect({ natsUrl: nats.url, prefix: names.prefix });
      try {
        const seen = new Map<string, number>();
        for await (const { workflowId, depth, event } of client.workflow('master').tree()) {
          if (event.type === 'TaskSucceeded') seen.set(workflowId, (seen.get(workflowId) ?? 0) + 1);
          expect(depth).toBe(workflowId === 'master' ? 0 : 1);
        }
        expect(Object.fromEntries(seen)).toEqual({
          master: 2,
          [childWorkflowId('master', 'spec/web', 1)]: 8,
          [childWorkflowId('master', 'spec/code', 1)]: 8,
        });
      } finally {
        await client.close();
      }
    });

    it('completes a tree of depth 3 with one agent slot: a waiting parent holds none', async () => {
      const { bus, events } = await install(1);
      const deepest = executors(2);
      const third = { phases: [{ id: 'down', tasks: [agent('three', deepest)] }] };
      const second = { phases: [{ id: 'down', tasks: [agent('two', third)] }] };
      await submit(bus, 'deep', { phases: [{ id: 'down', tasks: [agent('one', second)] }] });
      const { end } = await completion(events, 'deep');
      expect(end).toMatchObject({ status: 'succeeded' });
      const one = childWorkflowId('deep', 'down/one', 1);
      const two = childWorkflowId(one, 'down/two', 1);
      const three = childWorkflowId(two, 'down/three', 1);
      const accepted = (await logOf(events, three)).find(
        (event) => event.type === 'WorkflowAccepted',
      );
      expect(accepted).toMatchObject({ depth: 3 });
      // A fourth level would be refused: the engine's depth property test covers every depth.
    });

    it('refuses a child at depth 4 with CHILD_REFUSED, reason depth', async () => {
      const { bus, events } = await install();
      const fourth = { phases: [{ id: 'down', tasks: [agent('four', executors(1))] }] };
      const third = { phases: [{ id: 'down', tasks: [agent('three', fourth)] }] };
      const second = { phases: [{ id: 'down', tasks: [agent('two', third)] }] };
      await submit(bus, 'too-deep', { phases: [{ id: 'down', tasks: [agent('one', second)] }] });
      const { end } = await completion(events, 'too-deep');
      expect(end).toMatchObject({ status: 'failed' });
      const one = childWorkflowId('too-deep', 'down/one', 1);
      const two = childWorkflowId(one, 'down/two', 1);
      const three = childWorkflowId(two, 'down/three', 1);
      const refused = (await logOf(events, three)).find((event) => event.type === 'ChildRefused');
      expect(refused).toMatchObject({ taskId: 'down/four', reason: 'depth' });
    });

    it('survives a kill -9 of the agent worker while a parent waits: the tree completes, no child started twice', async () => {
      const { names, agents, bus, events } = await install();
      await submit(bus, 'survivor', {
        phases: [
          { id: 'spec', tasks: [agent('a', executors(4, 1_500)), agent('b', executors(4, 1_500))] },
        ],
      });
      // Both children run (the parents wait in the engine); the agent worker dies meanwhile.
      await expect
        .poll(
          async () =>
            (await logOf(events, 'survivor')).filter((e) => e.type === 'ChildStarted').length,
          {
            timeout: 20_000,
          },
        )
        .toBe(2);
      expect(await agents.stop('SIGKILL')).toBe('SIGKILL');
      const again = startAgents(names.prefix, 32);
      await again.ready();
      const { log, end } = await completion(events, 'survivor');
      expect(end).toMatchObject({ status: 'succeeded' });
      expect(
        log
          .filter((event) => event.type === 'ChildStarted')
          .map((e) => (e as { taskId: string }).taskId)
          .sort(),
      ).toEqual(['spec/a', 'spec/b']);
      for (const task of ['spec/a', 'spec/b']) {
        const child = await logOf(events, childWorkflowId('survivor', task, 1));
        expect(child.filter((event) => event.type === 'WorkflowAccepted')).toHaveLength(1);
      }
    });

    it('cancels the whole tree from the master: every node cancelled, no tool call dispatched after its cancel', async () => {
      const { bus, events } = await install();
      const slowChild = executors(12, 20_000);
      const inner = { phases: [{ id: 'down', tasks: [agent('inner', slowChild)] }] };
      await submit(bus, 'to-cancel', {
        phases: [{ id: 'spec', tasks: [agent('a', inner), agent('b', executors(6, 20_000))] }],
      });
      const a = childWorkflowId('to-cancel', 'spec/a', 1);
      const b = childWorkflowId('to-cancel', 'spec/b', 1);
      const innerChild = childWorkflowId(a, 'down/inner', 1);
      await expect
        .poll(
          async () =>
            (await logOf(events, innerChild)).filter((e) => e.type === 'TaskDispatched').length,
          {
            timeout: 20_000,
          },
        )
        .toBeGreaterThan(0);
      await bus.publish({
        type: 'workflow.cancel',
        commandId: 'cancel-tree',
        workflowId: 'to-cancel',
      });
      for (const node of ['to-cancel', a, b, innerChild]) {
        const { log, end } = await completion(events, node, 30_000);
        expect([node, end.type === 'WorkflowCompleted' && end.status]).toEqual([node, 'cancelled']);
        const cancelAt = log.findIndex((event) => event.type === 'WorkflowCancelRequested');
        expect(cancelAt).toBeGreaterThan(-1);
        expect(log.slice(cancelAt).filter((event) => event.type === 'TaskDispatched')).toEqual([]);
      }
    });
  },
);
