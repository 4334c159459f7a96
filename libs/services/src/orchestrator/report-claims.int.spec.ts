import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  subjects,
  type ReportTask,
  type Subjects,
  type WorkflowEvent,
} from '@fanout/contracts';
import { createAgentTools } from '@fanout/agents';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  ErrorChannel,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import { startNats, startService, type NatsServer, type ServiceProcess } from '@fanout/testing';
import { noopTool, Worker, type ToolRegistry } from '@fanout/worker-kit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ReportClaims } from './runner/report-claims';

type Connection = Awaited<ReturnType<typeof connectNats>>;

let counter = 0;
const uniquePrefix = () => `claims${process.pid}x${++counter}`;

/** One noop task, `p/t`, echoing `echo`. */
const oneTask = (echo: string) => ({
  phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop', input: { echo } }] }],
});

// An orchestrator process per test, on a machine shared with other work.
describe('reports fenced by the claim of their attempt', { timeout: 120_000 }, () => {
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

  /** Streams of its own and an orchestrator process, with `FANOUT_REPORT_KEY` when given. */
  async function install(key?: Buffer) {
    const names = subjects(uniquePrefix());
    await ensureTopology(connection, { prefix: names.prefix });
    const orchestrator = startService(nats.url, names.prefix, 'orchestrator', {
      env: key ? { FANOUT_REPORT_KEY: key.toString('hex') } : {},
    });
    processes.push(orchestrator);
    await orchestrator.ready();
    return {
      names,
      bus: new CommandBus(connection, names),
      events: new EventStream(connection, names),
      errors: new ErrorChannel(connection, names),
    };
  }

  /** A worker in this process, as every worker is built: worker-kit around tools. */
  async function startWorker(names: Subjects, tools: ToolRegistry) {
    const worker = new Worker({ connection, names, service: 'test-worker', tools });
    await worker.start();
    workers.push(worker);
  }

  const logOf = async (events: EventStream, workflowId: string): Promise<WorkflowEvent[]> =>
    (await events.read({ workflowId })).map((stored) => stored.event);

  async function completion(events: EventStream, workflowId: string) {
    await expect
      .poll(async () => (await logOf(events, workflowId)).map((event) => event.type), {
        timeout: 60_000,
        interval: 250,
      })
      .toContain('WorkflowCompleted');
    return logOf(events, workflowId);
  }

  const notHeld = async (errors: ErrorChannel) =>
    (await errors.read({ service: 'orchestrator' }))
      .map((stored) => stored.record)
      .filter((record) => record.error.code === ErrorCode.ReportNotHeld);

  /** A report on attempt 1 of `p/t` from a connection that was never given it. */
  const forged = (workflowId: string, n: number, claim?: string): ReportTask => ({
    type: 'task.report',
    commandId: `forged-${n}`,
    workflowId,
    taskId: 'p/t',
    attempt: 1,
    worker: 'forger',
    ...(claim === undefined ? {} : { claim }),
    at: Date.now(),
    outcome: { kind: 'succeeded', result: { sleptMs: 0, echo: 'forged' }, durationMs: 1 },
  });

  async function dispatched(events: EventStream, workflowId: string) {
    await expect
      .poll(async () => (await logOf(events, workflowId)).map((event) => event.type), {
        timeout: 30_000,
      })
      .toContain('TaskDispatched');
  }

  it('with FANOUT_REPORT_KEY, refuses reports without the claim of their attempt and takes the worker’s', async () => {
    const key = randomBytes(32);
    const { names, bus, events, errors } = await install(key);
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-held',
      workflowId: 'wf-held',
      workflow: oneTask('real'),
    });
    // The attempt waits on its queue: no worker has it yet, so every report now is forged.
    await dispatched(events, 'wf-held');
    const elsewhere = new ReportClaims(randomBytes(32)).of({
      workflowId: 'wf-held',
      taskId: 'p/t',
      attempt: 1,
    });
    await bus.publish(forged('wf-held', 1));
    await bus.publish(forged('wf-held', 2, elsewhere));
    await expect.poll(async () => (await notHeld(errors)).length, { timeout: 30_000 }).toBe(2);

    const refused = await notHeld(errors);
    const wanted = new ReportClaims(key).of({ workflowId: 'wf-held', taskId: 'p/t', attempt: 1 });
    for (const record of refused) {
      expect(record).toMatchObject({
        kind: 'handler-failed',
        workflowId: 'wf-held',
        error: { retryable: false },
      });
      expect(record.subject).toContain('task.report');
      expect(record.error.message).toContain('on wf-held/p/t attempt 1 (worker forger)');
      expect(record.error.message).not.toContain(wanted);
    }
    expect(refused.map((record) => record.error.message.match(/carries \w+/)?.[0]).sort()).toEqual([
      'carries a',
      'carries no',
    ]);
    // Neither reached the engine: the task is still only dispatched.
    const before = (await logOf(events, 'wf-held')).map((event) => event.type);
    expect(before).not.toContain('TaskSucceeded');
    expect(before).not.toContain('TaskStarted');

    // The worker that takes the attempt holds its claim, and its report ends the task.
    await startWorker(names, { noop: noopTool });
    const log = await completion(events, 'wf-held');
    const succeeded = log.filter((event) => event.type === 'TaskSucceeded');
    expect(succeeded).toHaveLength(1);
    expect(succeeded[0]).toMatchObject({ taskId: 'p/t', attempt: 1, result: { echo: 'real' } });
    expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    // Terminated, not redelivered: still the two records.
    expect(await notHeld(errors)).toHaveLength(2);
  });

  it('with FANOUT_REPORT_KEY, an agent’s child reports its end to the agent task with the claim', async () => {
    const { names, bus, events, errors } = await install(randomBytes(48));
    await startWorker(names, { ...createAgentTools(), noop: noopTool });
    const plan = oneTask('child');
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-agent',
      workflowId: 'wf-agent',
      workflow: {
        phases: [
          {
            id: 'spec',
            tasks: [
              {
                id: 'a',
                tool: 'agent.run',
                input: { specialist: 'plan', goal: 'run the child', plan },
              },
            ],
          },
        ],
      },
    });
    const log = await completion(events, 'wf-agent');
    expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    expect(log.filter((event) => event.type === 'TaskSucceeded')).toMatchObject([
      { taskId: 'spec/a', result: { rounds: [{ status: 'succeeded' }] } },
    ]);
    expect(await notHeld(errors)).toEqual([]);
  });

  it('without FANOUT_REPORT_KEY, takes a report with no claim, as before', async () => {
    const { bus, events, errors } = await install();
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-open',
      workflowId: 'wf-open',
      workflow: oneTask('real'),
    });
    await dispatched(events, 'wf-open');
    // The unsecured mode: whoever may send reports may report on any attempt.
    await bus.publish(forged('wf-open', 1));
    const log = await completion(events, 'wf-open');
    expect(log.filter((event) => event.type === 'TaskSucceeded')).toMatchObject([
      { taskId: 'p/t', attempt: 1, result: { echo: 'forged' } },
    ]);
    expect(await notHeld(errors)).toEqual([]);
  });
});
