/**
 * `npm run bench -- agents`: agent trees end to end — a master, 4 specialists ("plan"
 * agents) and 8 noop executors under each — against flat workflows of the same 32 tool
 * calls. The orchestrator and the agent worker run as processes, as deployed; the noop
 * executors in this process.
 *
 * - spawn to first executor: from a specialist's ChildStarted to the first of its
 *   executors put on its tool's queue, one tree at a time and with 100 at once;
 * - tree vs flat: the wall time of 100 trees run at once over that of 100 flat workflows;
 * - cancel to quiescence: from a cancel of the master to the last node of its tree ended
 *   (p99), with executors that would otherwise run for a minute.
 */
import { subjects, type WorkflowDocument, type WorkflowEvent } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import { startNats, startService } from '@fanout/testing';
import { noopTool, Worker } from '@fanout/worker-kit';
import { childWorkflowId } from '@fanout/workflow';
import { percentile, round, table } from './stats';

const TREES = Number(process.env['BENCH_AGENT_TREES'] ?? 100);
const CANCELS = Number(process.env['BENCH_AGENT_CANCELS'] ?? 20);
const SPECIALISTS = ['web', 'code', 'ops', 'test'];

const executors = (sleepMs: number) => ({
  phases: [
    {
      id: 'exec',
      tasks: Array.from({ length: 8 }, (_, i) => ({
        id: `call${i}`,
        tool: 'noop',
        input: { sleepMs },
      })),
    },
  ],
});

const tree = (sleepMs = 0): WorkflowDocument => ({
  phases: [
    {
      id: 'spec',
      tasks: SPECIALISTS.map((id) => ({
        id,
        tool: 'agent.run',
        input: { specialist: 'plan', goal: `the ${id} part`, plan: executors(sleepMs) },
      })),
    },
  ],
});

const flat = (): WorkflowDocument => ({
  phases: [
    {
      id: 'exec',
      tasks: Array.from({ length: 32 }, (_, i) => ({ id: `call${i}`, tool: 'noop' })),
    },
  ],
});

/** The workflows of a tree: its master and the child of each specialist. */
const nodesOf = (master: string) => [
  master,
  ...SPECIALISTS.map((id) => childWorkflowId(master, `spec/${id}`, 1)),
];

export async function run(): Promise<void> {
  const nats = await startNats();
  const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  const names = subjects('benchagents');
  await ensureTopology(connection, { prefix: names.prefix });
  const bus = new CommandBus(connection, names);
  const events = new EventStream(connection, names);
  const orchestrator = startService(nats.url, names.prefix, 'orchestrator');
  const agents = startService(nats.url, names.prefix, 'agent-worker');
  const noop = new Worker({
    connection,
    names,
    service: 'bench-noop',
    tools: { noop: noopTool },
    pools: { noop: 256 },
  });
  await noop.start();
  await Promise.all([orchestrator.ready(), agents.ready()]);

  const submit = (workflowId: string, workflow: WorkflowDocument) =>
    bus.publish({
      type: 'workflow.submit',
      commandId: `submit-${workflowId}`,
      workflowId,
      workflow,
    });
  const logOf = async (workflowId: string): Promise<WorkflowEvent[]> =>
    (await events.read({ workflowId })).map((stored) => stored.event);
  /** Resolves when the workflow's completion is in its log, with the time it was appended. */
  const completed = async (workflowId: string): Promise<number> => {
    const subscription = await events.subscribe({ workflowId, topic: 'results' }, 'all');
    try {
      for await (const { event } of subscription)
        if (event.type === 'WorkflowCompleted') return event.at;
      throw new Error(`the log of ${workflowId} ended before it completed`);
    } finally {
      await subscription.stop();
    }
  };
  const runAll = async (prefix: string, count: number, document: () => WorkflowDocument) => {
    const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    const started = Date.now();
    const ends = ids.map((id) => completed(id));
    await Promise.all(ids.map((id) => submit(id, document())));
    await Promise.all(ends);
    return { ids, wallMs: Date.now() - started };
  };

  try {
    await runAll('warm', 5, () => tree());
    await runAll('warmflat', 5, flat);

    console.error(`${TREES} flat workflows of 32 calls, then ${TREES} trees of 4 x 8…`);
    const flats = await runAll('flat', TREES, flat);
    const trees = await runAll('tree', TREES, () => tree());

    /** From each ChildStarted of the masters to the first executor its child dispatched. */
    const spawnToFirst = async (masters: string[]) => {
      const samples: number[] = [];
      for (const master of masters) {
        for (const started of await logOf(master)) {
          if (started.type !== 'ChildStarted') continue;
          const child = await logOf(started.childWorkflowId);
          const first = child.find((event) => event.type === 'TaskDispatched');
          if (first) samples.push(first.at - started.at);
        }
      }
      return samples;
    };
    const saturated = await spawnToFirst(trees.ids);

    console.error(`cancelling ${CANCELS} trees mid-run…`);
    const cancelMs: number[] = [];
    for (let i = 0; i < CANCELS; i++) {
      const master = `cancel-${i}`;
      const nodes = nodesOf(master);
      const ends = nodes.map((node) => completed(node));
      await submit(master, tree(60_000));
      // Cancelled once every executor of the tree is running.
      for (;;) {
        const running = await Promise.all(
          nodes
            .slice(1)
            .map(
              async (node) => (await logOf(node)).filter((e) => e.type === 'TaskStarted').length,
            ),
        );
        if (running.every((count) => count === 8)) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const cancelledAt = Date.now();
      await bus.publish({
        type: 'workflow.cancel',
        commandId: `cancel-${master}`,
        workflowId: master,
      });
      const endedAt = Math.max(...(await Promise.all(ends)));
      cancelMs.push(endedAt - cancelledAt);
    }

    // One tree at a time (the trees that were then cancelled): the path alone, no queueing.
    const alone = await spawnToFirst(Array.from({ length: CANCELS }, (_, i) => `cancel-${i}`));
    const figures = {
      trees: TREES,
      tree_wall_s: round(trees.wallMs / 1000),
      flat_wall_s: round(flats.wallMs / 1000),
      spawn_to_first_executor_p50_ms: percentile(alone, 50),
      spawn_to_first_executor_p99_ms: percentile(alone, 99),
      saturated_spawn_to_first_executor_p50_ms: percentile(saturated, 50),
      cancel_p50_ms: percentile(cancelMs, 50),
      cancel_p99_ms: percentile(cancelMs, 99),
    };
    const ratios = { tree_vs_flat: round(trees.wallMs / flats.wallMs) };
    console.log(
      table(
        ['metric', 'value', 'floor'],
        [
          [`${TREES} trees (1 + 4 + 32 tasks) wall s`, figures.tree_wall_s, ''],
          [`${TREES} flat workflows (32 tasks) wall s`, figures.flat_wall_s, ''],
          ['tree vs flat', ratios.tree_vs_flat, '<= 1.5'],
          ['spawn to first executor p50 ms, one tree', figures.spawn_to_first_executor_p50_ms, ''],
          ['spawn to first executor p99 ms, one tree', figures.spawn_to_first_executor_p99_ms, ''],
          [
            `spawn to first executor p50 ms, ${TREES} trees at once`,
            figures.saturated_spawn_to_first_executor_p50_ms,
            '',
          ],
          ['cancel to quiescence p50 ms', figures.cancel_p50_ms, ''],
          ['cancel to quiescence p99 ms', figures.cancel_p99_ms, '<= 500'],
        ],
      ),
    );
    console.log(JSON.stringify({ bench: 'agents', figures, ratios }));
  } finally {
    await agents.stop('SIGTERM');
    await orchestrator.stop('SIGTERM');
    await noop.drain(1_000);
    await connection.close();
    await nats.stop();
  }
}
