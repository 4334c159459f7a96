import {
  Broadcaster,
  CommandBus,
  DataPipeline,
  ErrorChannel,
  StoredResults,
} from '@fanout/messaging';
import { describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import {
  dispatch,
  envelope,
  freshNames,
  natsHarness,
  memoryLogger,
  ReportLog,
  startWorker,
} from './testing/fixtures';
import type { AnyTool } from './worker-options';

describe('Worker on a real nats-server', () => {
  const harness = natsHarness();
  const { cleanup } = harness;

  async function setup(name: string, tool: AnyTool = noopTool, pools = { noop: 4 }) {
    const names = await freshNames(harness.connection, name);
    const reports = await ReportLog.open(harness.connection, names);
    cleanup.push(() => reports.stop());
    const logger = memoryLogger();
    const worker = await startWorker(
      {
        connection: harness.connection,
        names,
        service: 'test-worker',
        tools: { noop: tool },
        pools,
        logger,
      },
      cleanup,
    );
    return { names, reports, worker, logger };
  }

  it('runs a dispatched noop task and reports it succeeded, for the attempt it was given, without a started report', async () => {
    const { names, reports, worker } = await setup('succeeds');
    await dispatch(
      harness.connection,
      names,
      envelope(1, { attempt: 3, input: { echo: 'hello' } }),
    );

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    const report = reports.terminal('phase/task-1')!;
    expect(report).toMatchObject({
      type: 'task.report',
      workflowId: 'wf-1',
      attempt: 3,
      worker: worker.instance,
      commandId: 'wf-1:phase/task-1:3:succeeded',
      outcome: { kind: 'succeeded', result: { echo: 'hello' } },
    });
    expect(reports.kinds('phase/task-1')).toEqual(['succeeded']);
    expect(worker.handled.acked).toBe(1);
  });

  it('terminates a message that is no task envelope, naming what is wrong where, and runs the next task', async () => {
    const { names, reports, worker } = await setup('not-a-task');
    const subject = names.task('noop', 2);
    harness.connection.publish(subject, new TextEncoder().encode('{"workflowId":"wf-1"}'));
    await dispatch(harness.connection, names, envelope(1));

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    await expect.poll(() => worker.handled.terminated, { timeout: 10_000 }).toBe(1);
    const records = await new ErrorChannel(harness.connection, names).read({
      kind: 'invalid-task',
    });
    expect(records).toHaveLength(1);
    expect(records[0]!.record).toMatchObject({ subject, payload: '{"workflowId":"wf-1"}' });
    expect(records[0]!.record.error).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(records[0]!.record.error.message).toContain(`invalid message on ${subject}: taskId`);
    expect(worker.handled).toEqual({ acked: 1, returned: 0, terminated: 1 });
  });

  it('stores a result too large for a report and reports it by reference, whole', async () => {
    // 3 MB of text in a few thousand lines: three times what one message carries.
    const lines = Array.from({ length: 3_000 }, (_, i) => `${i} ${'x'.repeat(1_000)}`);
    const large = (async () => ({ sleptMs: 0, echo: lines })) as AnyTool;
    const { names, reports } = await setup('large', large);
    await dispatch(harness.connection, names, envelope(1, { attempt: 2 }));

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    const outcome = reports.terminal('phase/task-1')!.outcome;
    expect(outcome).toMatchObject({
      kind: 'succeeded',
      resultRef: { bucket: names.buckets.results, name: 'wf-1/phase/task-1/2' },
    });
    expect(outcome.kind === 'succeeded' && outcome.result).toBeUndefined();
    const ref = outcome.kind === 'succeeded' ? outcome.resultRef! : undefined;
    const stored = await StoredResults.open(harness.connection, names);
    expect(await stored.get(ref!, 'the spec')).toEqual({ sleptMs: 0, echo: lines });
  });

  it('reports a failure whose details are too large without them, rather than not at all', async () => {
    const huge = (async () => {
      throw Object.assign(new Error('the command failed'), {
        code: 'EXIT_NONZERO',
        retryable: false,
        details: { stdout: 'y'.repeat(2_000_000) },
      });
    }) as AnyTool;
    const { names, reports } = await setup('hugeerror', huge);
    await dispatch(harness.connection, names, envelope(1));

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'failed',
      error: {
        code: 'EXIT_NONZERO',
        message: 'the command failed (details too large to report, left out)',
      },
    });
  });

  it('reports started, then heartbeats, then the result for a task that runs long, each with the claim of its attempt', async () => {
    const { names, reports } = await setup('long');
    const claim = 'claim-of-wf-1-task-1-attempt-1';
    await dispatch(harness.connection, names, envelope(1, { input: { sleepMs: 900 }, claim }));

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    const kinds = reports.kinds('phase/task-1');
    expect(kinds[0]).toBe('started');
    expect(kinds).toContain('heartbeat');
    expect(kinds.at(-1)).toBe('succeeded');
    const claims = reports.of('phase/task-1').map((report) => report.claim);
    expect(new Set(claims)).toEqual(new Set([claim]));
  });

  it("streams an async generator's items to the data pipeline in order, then reports its result", async () => {
    const count = 2_500;
    async function* counting() {
      for (let i = 0; i < count; i++) yield { i };
      return { sleptMs: 0, echo: count };
    }
    const { names, reports } = await setup('streams', counting as AnyTool);
    await dispatch(harness.connection, names, envelope(7, { workflowId: 'wf-s', attempt: 2 }));

    const items: unknown[] = [];
    const pipeline = new DataPipeline(harness.connection, names);
    for await (const item of pipeline.items({
      workflowId: 'wf-s',
      taskId: 'phase/task-7',
      attempt: 2,
    })) {
      items.push(item);
    }
    expect(items).toEqual(Array.from({ length: count }, (_, i) => ({ i })));
    await expect
      .poll(() => reports.terminal('phase/task-7')?.outcome, { timeout: 10_000 })
      .toMatchObject({
        kind: 'succeeded',
        result: { echo: count },
      });
  });

  it('reports a failing tool as failed with its code and retryable flag', async () => {
    const { names, reports } = await setup('fails');
    const refusal = { code: 'NO_WAY', message: 'refused', retryable: false };
    await dispatch(
      harness.connection,
      names,
      envelope(1, { input: { fail: true } }),
      envelope(2, { input: { fail: refusal } }),
    );

    await expect.poll(() => reports.terminal('phase/task-2'), { timeout: 10_000 }).toBeDefined();
    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'NOOP_FAILED', retryable: true },
    });
    expect(reports.terminal('phase/task-2')!.outcome).toMatchObject({
      kind: 'failed',
      error: refusal,
    });
  });

  it('reports input that breaks the contract as failed INVALID_INPUT, not retryable, and takes it off the queue', async () => {
    const { names, reports, worker } = await setup('invalid');
    await dispatch(
      harness.connection,
      names,
      envelope(1, { input: { sleepMs: 'soon', extra: 1 } }),
    );

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    const outcome = reports.terminal('phase/task-1')!.outcome;
    expect(outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'INVALID_INPUT', retryable: false },
    });
    expect(outcome.kind === 'failed' && outcome.error.message).toMatch(/sleepMs/);
    expect(worker.handled.acked).toBe(1);
  });

  it('aborts a running tool on a cancel broadcast naming it, and reports failed CANCELLED', async () => {
    let signalled = false;
    let running = false;
    const waits: AnyTool = async (_input, ctx) => {
      running = true;
      await new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => {
          signalled = true;
          reject(ctx.signal.reason);
        }),
      );
    };
    const { names, reports } = await setup('cancel', waits);
    await dispatch(harness.connection, names, envelope(1, { workflowId: 'wf-c' }));
    await expect.poll(() => running, { timeout: 10_000 }).toBe(true);

    await new Broadcaster(harness.connection, names).publish({
      kind: 'cancel',
      workflowId: 'wf-c',
      taskIds: ['phase/task-1'],
    });

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    expect(signalled).toBe(true);
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'CANCELLED', retryable: false },
    });
  });

  it("aborts a tool at its envelope's deadline and reports a retryable TIMEOUT", async () => {
    const { names, reports } = await setup('deadline');
    await dispatch(
      harness.connection,
      names,
      envelope(1, { input: { sleepMs: 60_000 }, deadline: Date.now() + 500 }),
    );

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 10_000 }).toBeDefined();
    expect(reports.terminal('phase/task-1')!.outcome).toMatchObject({
      kind: 'failed',
      error: { code: 'TIMEOUT', retryable: true },
    });
  });

  it('never runs more tasks of a pool at once than its slots', async () => {
    let now = 0;
    let most = 0;
    const counted: AnyTool = async (input, ctx) => {
      now++;
      most = Math.max(most, now);
      try {
        return await noopTool(input as never, ctx);
      } finally {
        now--;
      }
    };
    const { names, reports, worker } = await setup('pool', counted, { noop: 3 });
    const tasks = Array.from({ length: 12 }, (_, n) => envelope(n, { input: { sleepMs: 150 } }));
    await dispatch(harness.connection, names, ...tasks);

    await expect
      .poll(() => tasks.filter((t) => reports.terminal(t.taskId)).length, { timeout: 15_000 })
      .toBe(12);
    expect(most).toBe(3);
    expect(worker.pools.get('noop')).toBe(3);
  });

  it('resizes a pool at run time when a limits broadcast scales its family', async () => {
    let now = 0;
    let most = 0;
    const counted: AnyTool = async (input, ctx) => {
      most = Math.max(most, ++now);
      try {
        return await noopTool(input as never, ctx);
      } finally {
        now--;
      }
    };
    const { names, reports, worker } = await setup('resize', counted, { noop: 2 });
    // noop counts as coordination; 2 slots times 2.5 are 5.
    await new Broadcaster(harness.connection, names).publish({
      kind: 'limits',
      factors: { coordination: 2.5 },
      reason: 'a deep queue',
    });
    await expect.poll(() => worker.pools.get('noop'), { timeout: 5_000 }).toBe(5);
    const tasks = Array.from({ length: 15 }, (_, n) => envelope(n, { input: { sleepMs: 300 } }));
    await dispatch(harness.connection, names, ...tasks);
    await expect
      .poll(() => tasks.filter((t) => reports.terminal(t.taskId)).length, { timeout: 15_000 })
      .toBe(15);
    expect(most).toBe(5);
    expect(worker.load()).toEqual([{ pool: 'noop', size: 5, busy: 0 }]);
    expect(worker.basePools.get('noop')).toBe(2);
  });

  it('retries a report the full command bus refused, and stores it once the bus has room', async () => {
    const names = await freshNames(harness.connection, 'busfull', { commands: { maxReports: 2 } });
    const bus = new CommandBus(harness.connection, names);
    for (const n of [1, 2]) {
      await bus.publish({
        type: 'task.report',
        commandId: `filler-${n}`,
        workflowId: 'wf-x',
        taskId: 'p/t',
        attempt: 1,
        worker: 'someone',
        at: Date.now(),
        outcome: { kind: 'heartbeat' },
      });
    }
    const logger = memoryLogger();
    await startWorker(
      {
        connection: harness.connection,
        names,
        service: 'test-worker',
        tools: { noop: noopTool },
        logger,
      },
      cleanup,
    );
    await dispatch(harness.connection, names, envelope(1));
    await expect
      .poll(() => logger.lines.some((line) => /task-1:1:succeeded was not accepted/.test(line)), {
        timeout: 10_000,
      })
      .toBe(true);

    const reports = await ReportLog.open(harness.connection, names);
    cleanup.push(() => reports.stop());
    await expect
      .poll(() => reports.terminal('phase/task-1')?.outcome.kind, { timeout: 15_000 })
      .toBe('succeeded');
  });
});
