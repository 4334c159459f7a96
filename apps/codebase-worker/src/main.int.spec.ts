import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects } from '@fanout/contracts';
import { connectNats, ensureTopology, natsConfigFromEnv, TaskQueue } from '@fanout/messaging';
import { startNats, startService, type NatsServer } from '@fanout/testing';
import { ReportLog } from '@fanout/worker-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('codebase-worker, as a process', () => {
  let nats: NatsServer;
  let dir: string;
  beforeAll(async () => {
    nats = await startNats();
    dir = await mkdtemp(join(tmpdir(), 'codebase-worker-'));
    await writeFile(join(dir, 'hello.txt'), 'hello\nworld\n');
  });
  afterAll(async () => {
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('runs a code.read task it was sent, reports the success, and exits 0 on SIGTERM', async () => {
    const names = subjects(`cw${process.pid}`);
    const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    await ensureTopology(connection, { prefix: names.prefix });
    const reader = await ReportLog.open(connection, names);
    const { reports } = reader;

    const worker = startService(nats.url, names.prefix, 'codebase-worker');
    try {
      await worker.ready(25_000);

      const now = Date.now();
      await new TaskQueue(connection, names).dispatch({
        workflowId: 'wf-e2e',
        taskId: 'explore/read',
        attempt: 1,
        tool: 'code.read',
        input: { root: dir, path: 'hello.txt' },
        priority: 1,
        dispatchedAt: now,
        deadline: now + 30_000,
      });
      await expect
        .poll(() => reports.find((r) => r.outcome.kind === 'succeeded'), { timeout: 15_000 })
        .toMatchObject({
          workflowId: 'wf-e2e',
          taskId: 'explore/read',
          outcome: { kind: 'succeeded', result: { path: 'hello.txt', content: 'hello\nworld\n' } },
        });

      expect(await worker.stop('SIGTERM')).toBe(0);
      expect(worker.output()).toMatch(/stopped: 1 tasks reported/);
    } finally {
      await worker.stop();
      await reader.stop();
      await connection.close();
    }
  });
});
