import { subjects, type WorkflowDocument, type WorkflowEvent } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
  StoredResults,
  TaskQueue,
} from '@fanout/messaging';
import { startNats, startService, type NatsServer, type ServiceProcess } from '@fanout/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Worker, type AnyTool } from '@fanout/worker-kit';
import { reap, spawnWorker } from '@fanout/worker-kit/testing';
import { startTestWorker, type Connection } from './testing/test-worker';

/**
 * How long a replica may take to boot: under tsx on a loaded machine, many seconds (past
 * 40 s once at load 20, while tsc and eslint ran beside it).
 */
const BOOT_MS = 60_000;

let counter = 0;
const uniquePrefix = () => `orch${process.pid}x${++counter}`;

const noopTasks = (count: number): WorkflowDocument => ({
  budget: { maxConcurrency: 64 },
  phases: [
    {
      id: 'p',
      barrier: { timeoutMs: 120_000 },
      tasks: Array.from({ length: count }, (_, i) => ({
        id: `t${i}`,
        tool: 'noop',
        input: { echo: i },
        retry: { attempts: 3, initialDelayMs: 100 },
      })),
    },
  ],
});

describe('the orchestrator as a process', () => {
  let nats: NatsServer;
  let connection: Connection;
  const processes: ServiceProcess[] = [];
  const stoppers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  });
  afterEach(async () => {
    await Promise.all(stoppers.splice(0).map((stop) => stop()));
    await Promise.all(processes.splice(0).map((process) => process.stop()));
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  const setUp = async () => {
    const names = subjects(uniquePrefix());
    await ensureTopology(connection, { prefix: names.prefix });
    return {
      names,
      bus: new CommandBus(connection, names),
      events: new EventStream(connection, names),
    };
  };
  const orchestrator = (prefix: string, env: Record<string, string> = {}) => {
    const started = startService(nats.url, prefix, 'orchestrator', {
      env: {
        FANOUT_ORCHESTRATOR_RENEW_EVERY_MS: '1000',
        FANOUT_ORCHESTRATOR_SCAN_EVERY_MS: '1000',
        FANOUT_ORCHESTRATOR_LEASE_TTL_MS: '4000',
        ...env,
      },
    });
    processes.push(started);
    return started;
  };
  const worker = async (
    names: ReturnType<typeof subjects>,
    decide?: Parameters<typeof startTestWorker>[2],
  ) => {
    const started = await startTestWorker(connection, names, decide);
    stoppers.push(started.stop);
    return started;
  };
  const logOf = async (events: EventStream, workflowId: string): Promise<WorkflowEvent[]> =>
    (await events.read({ workflowId })).map((stored) => stored.event);
  const completion = async (events: EventStream, workflowId: string, timeout: number) => {
    await expect
      .poll(
        async () =>
          (await logOf(events, workflowId)).some((event) => event.type === 'WorkflowCompleted'),
        { timeout, interval: 250 },
      )
      .toBe(true);
    return logOf(events, workflowId);
  };

  it('runs a submitted workflow to completion, passing results forward', async () => {
    const { names, bus, events } = await setUp();
    orchestrator(names.prefix);
    await worker(names);
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-1',
      workflowId: 'wf-basic',
      workflow: {
        phases: [
          { id: 'a', tasks: [{ id: 'first', tool: 'noop', input: { echo: 'hello' } }] },
          {
            id: 'b',
            dependsOn: ['a'],
            tasks: [{ id: 'second', tool: 'noop', input: { echo: '${{ a.first.echo }} again' } }],
          },
        ],
      },
    });
    const log = await completion(events, 'wf-basic', 20_000);
    const done = log.find((event) => event.type === 'WorkflowCompleted');
    expect(done).toMatchObject({
      status: 'succeeded',
      synthesis: { counts: { total: 2, succeeded: 2 } },
    });
    const second = log.find(
      (event) => event.type === 'TaskSucceeded' && event.taskId === 'b/second',
    );
    expect(second).toMatchObject({ result: { echo: 'hello again' } });
  });

  it('survives kill -9 in the middle of a 500-task workflow: another replica finishes it, each result recorded once', async () => {
    const { names, bus, events } = await setUp();
    const first = orchestrator(names.prefix);
    await worker(names);
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-500',
      workflowId: 'wf-500',
      workflow: noopTasks(500),
    });
    await expect
      .poll(
        async () =>
          (await logOf(events, 'wf-500')).filter((event) => event.type === 'TaskSucceeded').length,
        { timeout: 20_000, interval: 100 },
      )
      .toBeGreaterThan(50);
    await first.stop();
    const atCrash = (await logOf(events, 'wf-500')).filter(
      (event) => event.type === 'TaskSucceeded',
    ).length;
    expect(atCrash).toBeLessThan(500);
    orchestrator(names.prefix);
    const log = await completion(events, 'wf-500', 40_000);
    const succeeded = log
      .filter((event) => event.type === 'TaskSucceeded')
      .map((event) => (event as { taskId: string }).taskId);
    expect(succeeded).toHaveLength(500);
    expect(new Set(succeeded).size).toBe(500);
    expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    expect(log.some((event) => event.type === 'WorkflowResumed')).toBe(true);
  });

  // The takeover waits on the dead owner's lease, as the design has it (15 s, renewed
  // every 5 s): it lapses at most 15 s after the kill, and the survivor, scanning every
  // second, resumes the workflow within 20 s. The test's time is that wait plus two boots,
  // which a loaded machine stretches: each step has its own bound, so whichever overruns
  // says so, and the test's timeout is their sum.
  const TAKEOVER_MS = 20_000;
  const STARTED_MS = 15_000;
  const COMPLETED_MS = 20_000;
  it(
    'lets a second replica take over the workflows of one that died, within 20 s',
    { timeout: 2 * BOOT_MS + STARTED_MS + TAKEOVER_MS + COMPLETED_MS },
    async () => {
      const { names, bus, events } = await setUp();
      const a = orchestrator(names.prefix, {
        FANOUT_ORCHESTRATOR_INSTANCE: 'replica-a',
        FANOUT_ORCHESTRATOR_LEASE_TTL_MS: '15000',
        FANOUT_ORCHESTRATOR_RENEW_EVERY_MS: '5000',
        // A never gives up on the attempts held silent while B boots, however long a loaded
        // machine makes that (at its 15 s default, 3 attempts ran out and the workflow
        // failed); B, at 2 s, retries them soon after it takes over.
        FANOUT_ORCHESTRATOR_HEARTBEAT_TIMEOUT_MS: `${10 * BOOT_MS}`,
      });
      await a.ready(BOOT_MS);
      // Hold every attempt until the takeover, so the workflow is mid-flight when its owner dies.
      let answering = false;
      await worker(names, () => (answering ? 'succeed' : 'vanish'));
      await bus.publish({
        type: 'workflow.submit',
        commandId: 'submit-takeover',
        workflowId: 'wf-takeover',
        workflow: noopTasks(3),
      });
      await expect
        .poll(
          async () =>
            (await logOf(events, 'wf-takeover')).filter((event) => event.type === 'TaskStarted')
              .length,
          { timeout: STARTED_MS },
        )
        .toBe(3);
      const b = orchestrator(names.prefix, {
        FANOUT_ORCHESTRATOR_INSTANCE: 'replica-b',
        FANOUT_ORCHESTRATOR_HEARTBEAT_TIMEOUT_MS: '2000',
      });
      await b.ready(BOOT_MS);
      answering = true;
      const killedAt = Date.now();
      await a.stop();
      await expect
        .poll(
          async () =>
            (await logOf(events, 'wf-takeover')).find((event) => event.type === 'WorkflowResumed'),
          { timeout: TAKEOVER_MS, interval: 250 },
        )
        .toMatchObject({ owner: 'replica-b' });
      expect(Date.now() - killedAt).toBeLessThan(TAKEOVER_MS);
      const log = await completion(events, 'wf-takeover', COMPLETED_MS);
      expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
        status: 'succeeded',
      });
    },
  );

  it('retries the task of a worker that died mid-task once its heartbeats stop', async () => {
    const { names, bus, events } = await setUp();
    orchestrator(names.prefix, { FANOUT_ORCHESTRATOR_HEARTBEAT_TIMEOUT_MS: '1500' });
    const silent = await worker(names, (_taskId, attempt) =>
      attempt === 1 ? 'vanish' : 'succeed',
    );
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-hb',
      workflowId: 'wf-heartbeat',
      workflow: {
        phases: [
          {
            id: 'p',
            tasks: [{ id: 't', tool: 'noop', retry: { attempts: 3, initialDelayMs: 100 } }],
          },
        ],
      },
    });
    const log = await completion(events, 'wf-heartbeat', 20_000);
    const failure = log.find((event) => event.type === 'TaskAttemptFailed');
    expect(failure).toMatchObject({ attempt: 1, error: { code: 'HEARTBEAT_TIMEOUT' } });
    expect(log.find((event) => event.type === 'TaskSucceeded')).toMatchObject({ attempt: 2 });
    expect(silent.seen).toEqual(['p/t#1', 'p/t#2']);
  });

  it('retries by default the task of a worker killed -9, and refuses the redelivery of the attempt it gave up', async () => {
    const { names, bus, events } = await setUp();
    orchestrator(names.prefix, { FANOUT_ORCHESTRATOR_HEARTBEAT_TIMEOUT_MS: '1500' });
    const workers = ['one', 'two'].map((instance) => {
      const child = spawnWorker({
        NATS_URL: nats.url,
        FANOUT_SUBJECT_PREFIX: names.prefix,
        WORKER_INSTANCE: instance,
        // The queue redelivers a dead worker's attempt well after the engine gave it up.
        WORKER_ACK_WAIT_MS: '5000',
      });
      stoppers.push(() => reap(child));
      return child;
    });
    for (const child of workers) {
      await expect.poll(() => child.lines, { timeout: 20_000 }).toContain('ready');
    }
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-killed',
      workflowId: 'wf-killed',
      // No retry policy: the default tries a lost attempt again.
      workflow: {
        phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop', input: { sleepMs: 3_000 } }] }],
      },
    });
    const ran = (child: (typeof workers)[number]) => child.lines.includes('attempt p/t#1');
    await expect.poll(() => workers.some(ran), { timeout: 10_000 }).toBe(true);
    const doomed = workers.find(ran)!;
    const survivor = workers.find((child) => child !== doomed)!;
    // Killed once the engine knows the attempt runs: from then on its silence is noticed.
    await expect
      .poll(async () => (await logOf(events, 'wf-killed')).map((event) => event.type), {
        timeout: 10_000,
      })
      .toContain('TaskStarted');
    doomed.process.kill('SIGKILL');

    const log = await completion(events, 'wf-killed', 30_000);
    expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    expect(log.find((event) => event.type === 'TaskAttemptFailed')).toMatchObject({
      attempt: 1,
      error: { code: 'HEARTBEAT_TIMEOUT' },
    });
    expect(log.find((event) => event.type === 'TaskSucceeded')).toMatchObject({ attempt: 2 });
    // Once the queue has handed the dead attempt out again and it was settled, the queue is
    // empty: by then the survivor had refused attempt 1 rather than run it for nothing.
    const queue = new TaskQueue(connection, names);
    await expect.poll(() => queue.depth('noop'), { timeout: 20_000 }).toBe(0);
    expect(survivor.lines.filter((line) => line.startsWith('attempt '))).toEqual(['attempt p/t#2']);
  });

  it('passes a result too large for a message to the next phase whole, by reference, across a restart', async () => {
    const { names, bus, events } = await setUp();
    // Snapshots after every few events, so a takeover loads one that left the result out.
    const env = { FANOUT_ORCHESTRATOR_SNAPSHOT_EVERY: '3' };
    const first = orchestrator(names.prefix, env);
    const large = 'x'.repeat(3_000_000);
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    // `echo: "large"` returns 3 MB; the next task waits for the restart before it answers.
    const tool = (async (input: { echo?: unknown }, ctx: { taskId: string }) => {
      if (ctx.taskId === 'use/copy') await released;
      return { sleptMs: 0, echo: input.echo === 'large' ? large : input.echo };
    }) as AnyTool;
    const worker = new Worker({ connection, names, service: 'test-worker', tools: { noop: tool } });
    await worker.start();
    stoppers.push(async () => void (await worker.drain(1_000)));
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-large',
      workflowId: 'wf-large',
      workflow: {
        phases: [
          { id: 'make', tasks: [{ id: 'big', tool: 'noop', input: { echo: 'large' } }] },
          {
            id: 'use',
            dependsOn: ['make'],
            tasks: [{ id: 'copy', tool: 'noop', input: { echo: '${{ make.big.echo }}' } }],
          },
        ],
      },
    });
    await expect
      .poll(async () => (await logOf(events, 'wf-large')).map((event) => event.type), {
        timeout: 20_000,
      })
      .toContain('TaskDispatched');
    await expect
      .poll(
        async () =>
          (await logOf(events, 'wf-large')).some(
            (event) => event.type === 'TaskDispatched' && event.taskId === 'use/copy',
          ),
        { timeout: 20_000 },
      )
      .toBe(true);
    await first.stop('SIGKILL');
    orchestrator(names.prefix, env);
    release();

    const log = await completion(events, 'wf-large', 30_000);
    expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    const dispatch = log.find(
      (event) => event.type === 'TaskDispatched' && event.taskId === 'use/copy',
    );
    expect(dispatch).toMatchObject({ inputRef: { bucket: names.buckets.results } });
    expect(dispatch?.type === 'TaskDispatched' && dispatch.input).toEqual({ echo: large });
    const results = log.flatMap((event) => (event.type === 'TaskSucceeded' ? [event] : []));
    expect(results.map((event) => event.taskId)).toEqual(['make/big', 'use/copy']);
    for (const event of results) {
      expect(event.resultRef).toMatchObject({ bucket: names.buckets.results });
      expect(event.result).toEqual({ sleptMs: 0, echo: large });
    }
    // As logged, the events carry the references alone.
    const logged = await events.read({ workflowId: 'wf-large' }, 'all', { results: 'refs' });
    expect(
      logged.every(
        ({ event }) =>
          (event.type !== 'TaskSucceeded' || event.result === undefined) &&
          (event.type !== 'TaskDispatched' ||
            event.taskId !== 'use/copy' ||
            event.input === undefined),
      ),
    ).toBe(true);
  });

  it(
    'keeps the log of a live workflow past the event retention: a 20 s task survives a kill -9 of its orchestrator at second 15',
    { timeout: 120_000 },
    async () => {
      const { names, bus, events } = await setUp();
      const env = { FANOUT_EVENT_RETENTION: '10s' };
      const first = orchestrator(names.prefix, env);
      const shell = startService(nats.url, names.prefix, 'bash-worker', { env });
      processes.push(shell);
      await Promise.all([first.ready(), shell.ready()]);
      const submittedAt = Date.now();
      await bus.publish({
        type: 'workflow.submit',
        commandId: 'submit-long',
        workflowId: 'wf-long',
        workflow: {
          phases: [
            {
              id: 'wait',
              tasks: [{ id: 'sleep', tool: 'bash.exec', input: { command: 'sleep 20' } }],
            },
            {
              id: 'after',
              dependsOn: ['wait'],
              tasks: [{ id: 'echo', tool: 'bash.exec', input: { command: 'echo done' } }],
            },
          ],
        },
      });
      await expect
        .poll(async () => (await logOf(events, 'wf-long')).map((event) => event.type), {
          timeout: 10_000,
        })
        .toContain('TaskStarted');
      const second = orchestrator(names.prefix, env);
      await second.ready();
      await new Promise((resolve) =>
        setTimeout(resolve, Math.max(0, submittedAt + 15_000 - Date.now())),
      );
      await first.stop('SIGKILL');

      const log = await completion(events, 'wf-long', 40_000);
      expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
        status: 'succeeded',
      });
      // The first event was older than the retention when the second replica replayed it.
      expect(log[0]).toMatchObject({ type: 'WorkflowAccepted' });
      expect(log.some((event) => event.type === 'WorkflowResumed')).toBe(true);
      // The sleep ran once: its one attempt succeeded, nothing was run again.
      expect(
        log.filter((event) => event.type === 'TaskDispatched').map((event) => event.taskId),
      ).toEqual(['wait/sleep', 'after/echo']);
    },
  );

  it('drops a workflow it could not resume (its dispatches refused by a full queue) and claims it again until they go out', async () => {
    const names = subjects(uniquePrefix());
    // Room for two attempts on the task queues: the others' dispatches are refused.
    await ensureTopology(connection, { prefix: names.prefix, tasks: { maxMsgs: 2 } });
    const bus = new CommandBus(connection, names);
    const events = new EventStream(connection, names);
    // It waits for that topology rather than bringing it to the default limits.
    const started = orchestrator(names.prefix, { FANOUT_TOPOLOGY: 'await' });
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-full',
      workflowId: 'wf-full',
      workflow: noopTasks(5),
    });
    // Its decision to dispatch all five is in the log; three envelopes were refused, and so
    // are they again on every claim, which resends what the log says is pending.
    const dropped = /dropped wf-full to reload it/g;
    await expect
      .poll(() => started.output().match(dropped)?.length ?? 0, { timeout: 30_000 })
      .toBeGreaterThanOrEqual(2);
    // A worker makes room: a claim's resend gets through, and the workflow ends, each task
    // run once (the two first envelopes are not sent twice: their ids are the same).
    const { seen } = await worker(names);
    const log = await completion(events, 'wf-full', 30_000);
    expect(log.find((event) => event.type === 'WorkflowCompleted')).toMatchObject({
      status: 'succeeded',
    });
    expect(seen.toSorted()).toEqual(['p/t0#1', 'p/t1#1', 'p/t2#1', 'p/t3#1', 'p/t4#1']);
  }, 90_000);

  it("purges a finished workflow's log once the retention has passed, with its stored results", async () => {
    const { names, bus, events } = await setUp();
    // Long enough that the stored result is surely read back below before it is purged, even
    // on a machine so loaded that this process waits seconds for the CPU: a read of an
    // object deleted under it stalls for a minute (readObject's idle bound).
    orchestrator(names.prefix, { FANOUT_EVENT_RETENTION: '15s' });
    const large = 'y'.repeat(2_000_000);
    const tool = (async () => ({ sleptMs: 0, echo: large })) as AnyTool;
    const worker = new Worker({ connection, names, service: 'test-worker', tools: { noop: tool } });
    await worker.start();
    stoppers.push(async () => void (await worker.drain(1_000)));
    await bus.publish({
      type: 'workflow.submit',
      commandId: 'submit-purged',
      workflowId: 'wf-purged',
      workflow: { phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop' }] }] },
    });
    const log = await completion(events, 'wf-purged', 20_000);
    const succeeded = log.find((event) => event.type === 'TaskSucceeded');
    const ref = succeeded?.type === 'TaskSucceeded' ? succeeded.resultRef : undefined;
    expect(ref).toBeDefined();
    const stored = await StoredResults.open(connection, names);
    await expect(stored.get(ref!, 'the spec')).resolves.toEqual({ sleptMs: 0, echo: large });

    await expect
      .poll(async () => (await logOf(events, 'wf-purged')).length, { timeout: 45_000 })
      .toBe(0);
    await expect(stored.get(ref!, 'the spec')).rejects.toMatchObject({ code: 'PAYLOAD_MISSING' });
    // Its own waits (20 s for the run, 45 s for the purge) are longer than the 30 s default.
  }, 90_000);
});
