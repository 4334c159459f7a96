import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { subjects, type ReportTask } from '@fanout/contracts';
import {
  commandLevels,
  connectNats,
  decodeCommand,
  ensureTopology,
  natsConfigFromEnv,
  PriorityConsumer,
  TaskQueue,
} from '@fanout/messaging';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TSX = join(ROOT, 'node_modules/.bin/tsx');

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
    const reports: ReportTask[] = [];
    await ensureTopology(connection, { prefix: names.prefix });
    const reader = await PriorityConsumer.create(connection, {
      stream: names.streams.commands,
      levels: commandLevels(names, 'test_reports'),
      concurrency: 1,
    });
    reader.start(async (message) => {
      const command = decodeCommand(message);
      if (command.type === 'task.report') reports.push(command);
      message.ack();
    });

    const child = spawn(TSX, ['apps/bash-worker/src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: names.prefix },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | string>((resolve) =>
      child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
    );
    try {
      await expect.poll(() => output.join(''), { timeout: 25_000 }).toMatch(/is taking tasks/);

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

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output.join('')).toMatch(/stopped: 2 tasks reported/);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await reader.stop();
      await connection.close();
    }
  });
});
