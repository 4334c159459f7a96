import { ErrorCode, subjects, type WorkflowDocument } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
  TaskQueue,
} from '@fanout/messaging';
import { startNats, startService, type NatsServer, type ServiceProcess } from '@fanout/testing';
import { noopTool, Worker, type AnyTool } from '@fanout/worker-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

/** The weighted round-robin cycle of a worker's priority levels (16:8:4:2:1). */
const CYCLE = 31;
const SLOTS = 4;
const ignore = () => undefined;

const tasks = (label: string, count: number, maxConcurrency = 256): WorkflowDocument => ({
  budget: { maxConcurrency },
  phases: [
    {
      id: 'p',
      tasks: Array.from({ length: count }, (_, i) => ({
        id: `t${i}`,
        tool: 'noop',
        input: { echo: label, sleepMs: 2 },
      })),
    },
  ],
});

describe('scheduling across workflows', () => {
  let nats: NatsServer;
  let connection: Awaited<ReturnType<typeof connectNats>>;
  const cleanup: Array<() => Promise<unknown>> = [];
  let counter = 0;

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  });
  afterEach(async () => {
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  /**
   * An orchestrator, workflow A then workflow B submitted, and — once every task they
   * dispatch waits on the queue — a worker of 4 slots that notes the order tasks start in.
   */
  async function race(a: WorkflowDocument, b: WorkflowDocument, priorities: [number, number]) {
    const names = subjects(`sched${process.pid}x${++counter}`);
    await ensureTopology(connection, { prefix: names.prefix });
    const orchestrator: ServiceProcess = startService(nats.url, names.prefix, 'orchestrator');
    cleanup.push(() => orchestrator.stop());
    await orchestrator.ready();
    const bus = new CommandBus(connection, names);
    const queued = (a.budget?.maxConcurrency ?? 256) + 1;
    for (const [id, workflow, priority] of [
      ['wf-a', a, priorities[0]],
      ['wf-b', b, priorities[1]],
    ] as const) {
      await bus.publish({
        type: 'workflow.submit',
        commandId: `submit-${id}`,
        workflowId: id,
        priority,
        workflow,
      });
    }
    const queue = new TaskQueue(connection, names);
    await expect.poll(() => queue.depth('noop'), { timeout: 20_000 }).toBe(queued);

    const started: string[] = [];
    const recording: AnyTool = async (input, context) => {
      started.push((input as { echo: string }).echo);
      return noopTool(input as never, context);
    };
    const worker = new Worker({
      connection,
      names,
      service: 'test-worker',
      tools: { noop: recording },
      pools: { noop: SLOTS },
      logger: { log: ignore, warn: ignore, error: ignore },
    });
    cleanup.push(() => worker.drain(0));
    await worker.start();
    await expect.poll(() => started.includes('B'), { timeout: 30_000 }).toBe(true);
    return started.indexOf('B');
  }

  it(`starts a p4 task under a flood of 1,000 p0 tasks within one priority cycle (${CYCLE} starts)`, async () => {
    const before = await race(tasks('A', 1_000, 1_000), tasks('B', 1), [0, 4]);
    expect(before).toBeLessThanOrEqual(CYCLE + SLOTS);
  });

  it("runs another workflow's task within the first workflow's maxConcurrency of its tasks", async () => {
    const before = await race(tasks('A', 1_000), tasks('B', 1), [2, 2]);
    expect(before).toBeLessThanOrEqual(256);
  });

  it('preempts a p4 task for a p0 one: the p0 starts within 1 s, each p4 succeeds exactly once', async () => {
    const names = subjects(`sched${process.pid}x${++counter}`);
    await ensureTopology(connection, { prefix: names.prefix });
    const orchestrator = startService(nats.url, names.prefix, 'orchestrator');
    cleanup.push(() => orchestrator.stop());
    await orchestrator.ready();
    const started: Array<{ echo: string; at: number }> = [];
    const recording: AnyTool = async (input, context) => {
      started.push({ echo: (input as { echo: string }).echo, at: Date.now() });
      return noopTool(input as never, context);
    };
    const worker = new Worker({
      connection,
      names,
      service: 'test-worker',
      tools: { noop: recording },
      pools: { noop: 2 },
      timing: { preemptAfterMs: 300 },
      logger: { log: ignore, warn: ignore, error: ignore },
    });
    cleanup.push(() => worker.drain(0));
    await worker.start();
    const bus = new CommandBus(connection, names);
    const long = (label: string) => ({
      phases: [
        {
          id: 'p',
          tasks: ['one', 'two'].map((id) => ({
            id,
            tool: 'noop',
            input: { echo: `${label}-${id}`, sleepMs: 4_000 },
          })),
        },
      ],
    });
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-low',
      workflowId: 'wf-low',
      priority: 4,
      workflow: long('low'),
    });
    // The pool of 2 is full of p4 work that has run past its minimum.
    await expect.poll(() => started.length, { timeout: 10_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const submittedAt = Date.now();
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-urgent',
      workflowId: 'wf-urgent',
      priority: 0,
      workflow: {
        phases: [{ id: 'p', tasks: [{ id: 'now', tool: 'noop', input: { echo: 'urgent' } }] }],
      },
    });
    await expect
      .poll(() => started.find((s) => s.echo === 'urgent'), { timeout: 5_000 })
      .toBeDefined();
    const urgent = started.find((s) => s.echo === 'urgent');
    expect((urgent?.at ?? Infinity) - submittedAt).toBeLessThan(1_000);

    const events = new EventStream(connection, names);
    const logOf = async (workflowId: string) =>
      (await events.read({ workflowId })).map((stored) => stored.event);
    await expect
      .poll(async () => (await logOf('wf-low')).some((e) => e.type === 'WorkflowCompleted'), {
        timeout: 30_000,
        interval: 250,
      })
      .toBe(true);
    const log = await logOf('wf-low');
    const succeeded = log.flatMap((e) => (e.type === 'TaskSucceeded' ? [e.taskId] : []));
    expect(succeeded.sort()).toEqual(['p/one', 'p/two']);
    expect(log.find((e) => e.type === 'WorkflowCompleted')).toMatchObject({ status: 'succeeded' });
    const preempted = log.filter((e) => e.type === 'TaskAttemptFailed' && e.preempted);
    expect(preempted).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: ErrorCode.Preempted }) }),
    ]);
  });
});
