import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects } from '@fanout/contracts';
import { connectNats, ensureTopology, natsConfigFromEnv, TaskQueue } from '@fanout/messaging';
import { startNats, startService, type NatsServer } from '@fanout/testing';
import { ReportLog } from '@fanout/worker-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('bash-worker, as a process', () => {
  let nats: NatsServer;
  let dir: string;
  beforeAll(async () => {
    nats = await startNats();
    dir = await mkdtemp(join(tmpdir(), 'bash-worker-'));
    await writeFile(join(dir, 'hello.txt'), 'hello\nworld\n');
  });
  afterAll(async () => {
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a bash.exec task in its workspace, refuses a denied one, and exits 0 on SIGTERM', async () => {
    const names = subjects(`bw${process.pid}`);
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: names.prefix });
    const reader = await ReportLog.open(connection, names);
    const { reports } = reader;

    const worker = startService(nats.url, names.prefix, 'bash-worker');
    try {
      await worker.ready(25_000);

      const now = Date.now();
      const queue = new TaskQueue(connection, names);
      const envelope = (taskId: string, command: string) => ({
        workflowId: 'wf-e2e',
        taskId,
        attempt: 1,
        tool: 'bash.exec',
        input: { command, cwd: dir },
        priority: 1,
        dispatchedAt: now,
        deadline: now + 30_000,
      });
      await queue.dispatch(envelope('shell/count', 'wc -l hello.txt'));
      await queue.dispatch(envelope('shell/evil', 'sudo rm -rf /'));
      await expect
        .poll(
          () => reports.find((r) => r.taskId === 'shell/count' && r.outcome.kind === 'succeeded'),
          { timeout: 15_000 },
        )
        .toMatchObject({
          outcome: { kind: 'succeeded', result: { exitCode: 0, stdout: '2 hello.txt\n' } },
        });
      await expect
        .poll(() => reports.find((r) => r.taskId === 'shell/evil' && r.outcome.kind === 'failed'), {
          timeout: 15_000,
        })
        .toMatchObject({
          outcome: { kind: 'failed', error: { code: 'DENIED_BY_POLICY', retryable: false } },
        });

      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(worker.output()).toMatch(/stopped: 2 tasks reported/);
    } finally {
      await worker.stop();
      await reader.stop();
      await connection.close();
    }
  });
});
