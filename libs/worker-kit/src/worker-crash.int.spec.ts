import { describe, expect, it } from 'vitest';
import { noopTool } from './noop-tool';
import { reap, spawnWorker } from './testing/child-worker';
import {
  dispatch,
  envelope,
  freshNames,
  natsHarness,
  ReportLog,
  startWorker,
} from './testing/fixtures';

describe('a worker process killed mid-task', () => {
  const harness = natsHarness();
  const { cleanup } = harness;

  it('leaves its task to be redelivered to another worker after ack wait', async () => {
    const names = await freshNames(harness.connection, 'crash');
    const reports = await ReportLog.open(harness.connection, names);
    cleanup.push(() => reports.stop());
    const doomed = spawnWorker({
      NATS_URL: harness.nats.url,
      FANOUT_SUBJECT_PREFIX: names.prefix,
      WORKER_INSTANCE: 'doomed',
      WORKER_ACK_WAIT_MS: '2000',
    });
    cleanup.push(() => reap(doomed));
    await expect.poll(() => doomed.lines, { timeout: 20_000 }).toContain('ready');

    await dispatch(harness.connection, names, envelope(1, { input: { sleepMs: 1_500 } }));
    await expect.poll(() => doomed.lines, { timeout: 10_000 }).toContain('running phase/task-1');
    const survivor = await startWorker(
      {
        connection: harness.connection,
        names,
        service: 'test-worker',
        instance: 'survivor',
        tools: { noop: noopTool },
        timing: { ackWaitMs: 2_000 },
      },
      cleanup,
    );
    doomed.process.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');

    await expect.poll(() => reports.terminal('phase/task-1'), { timeout: 15_000 }).toBeDefined();
    expect(reports.terminal('phase/task-1')).toMatchObject({
      worker: survivor.instance,
      attempt: 1,
      outcome: { kind: 'succeeded' },
    });
    // The dead run said it started; it never finished.
    expect(
      reports
        .of('phase/task-1')
        .filter((r) => r.worker === 'doomed')
        .map((r) => r.outcome.kind),
    ).not.toContain('succeeded');
  });
});
