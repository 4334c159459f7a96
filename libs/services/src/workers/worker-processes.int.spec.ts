import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { subjects, type TaskEnvelope } from '@fanout/contracts';
import { connectNats, ensureTopology, natsConfigFromEnv, TaskQueue } from '@fanout/messaging';
import { startNats, startService, type NatsServer } from '@fanout/testing';
import { ReportLog } from '@fanout/worker-kit/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORKER_KINDS, type WorkerKind } from './worker-kinds';

/** Where a kind's tasks work: a directory with one file, and a loopback site with one page. */
interface Fixtures {
  dir: string;
  origin: string;
}

/** A task a kind of worker is sent, and the outcome its report must carry. */
interface Case {
  taskId: string;
  tool: string;
  input: Record<string, unknown>;
  outcome: Record<string, unknown>;
}

/**
 * Every kind of worker, run as its own process (`apps/<kind>`): the tasks it is sent and
 * what each must report. A kind added to WORKER_KINDS without a row here fails the first
 * test: each must be shown to boot, work and drain.
 */
const KINDS: Record<WorkerKind, { env?: Record<string, string>; cases(f: Fixtures): Case[] }> = {
  'codebase-worker': {
    cases: ({ dir }) => [
      {
        taskId: 'explore/read',
        tool: 'code.read',
        input: { root: dir, path: 'hello.txt' },
        outcome: { kind: 'succeeded', result: { path: 'hello.txt', content: 'hello\nworld\n' } },
      },
    ],
  },
  'bash-worker': {
    cases: ({ dir }) => [
      {
        taskId: 'shell/count',
        tool: 'bash.exec',
        input: { command: 'wc -l hello.txt', cwd: dir },
        outcome: { kind: 'succeeded', result: { exitCode: 0, stdout: '2 hello.txt\n' } },
      },
      {
        taskId: 'shell/evil',
        tool: 'bash.exec',
        input: { command: 'sudo rm -rf /', cwd: dir },
        outcome: { kind: 'failed', error: { code: 'DENIED_BY_POLICY', retryable: false } },
      },
    ],
  },
  'web-worker': {
    // Tests only: opens the SSRF guard to this test's loopback server.
    env: { FANOUT_WEB_ALLOW: '127.0.0.0/8' },
    cases: ({ origin }) => [
      {
        taskId: 'explore/fetch',
        tool: 'web.fetch',
        input: { url: `${origin}/hello` },
        outcome: {
          kind: 'succeeded',
          result: { url: `${origin}/hello`, status: 200, title: 'Hello', text: 'hello world' },
        },
      },
    ],
  },
  'agent-worker': {
    cases: () => {
      const plan = { phases: [{ id: 'p', tasks: [{ id: 't', tool: 'noop' }] }] };
      return [
        {
          taskId: 'spec/plan',
          tool: 'agent.run',
          input: { specialist: 'plan', goal: 'run the plan', plan },
          outcome: { kind: 'succeeded', result: { plan, last: true } },
        },
      ];
    },
  },
};

describe('each kind of worker, as a process', () => {
  let nats: NatsServer;
  let site: Server;
  const fixtures: Fixtures = { dir: '', origin: '' };
  beforeAll(async () => {
    nats = await startNats();
    fixtures.dir = await mkdtemp(join(tmpdir(), 'worker-processes-'));
    await writeFile(join(fixtures.dir, 'hello.txt'), 'hello\nworld\n');
    site = createServer((req, res) => {
      if (req.url !== '/hello') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><head><title>Hello</title></head><body><p>hello world</p></body></html>');
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    fixtures.origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await nats?.stop();
    site?.closeAllConnections();
    await new Promise((resolve) => site?.close(resolve));
    await rm(fixtures.dir, { recursive: true, force: true });
  });

  it('has a row for every kind there is', () => {
    expect(Object.keys(KINDS).sort()).toEqual(Object.keys(WORKER_KINDS).sort());
  });

  it.each(Object.keys(KINDS) as WorkerKind[])(
    '%s runs the tasks it is sent, reports each outcome, and exits 0 on SIGTERM',
    async (kind) => {
      const names = subjects(`wp${kind.split('-')[0]}${process.pid}`);
      const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
      await ensureTopology(connection, { prefix: names.prefix });
      const reader = await ReportLog.open(connection, names);
      const worker = startService(nats.url, names.prefix, kind, { env: KINDS[kind].env });
      const cases = KINDS[kind].cases(fixtures);
      try {
        await worker.ready(25_000);
        const queue = new TaskQueue(connection, names);
        const now = Date.now();
        for (const { taskId, tool, input } of cases) {
          const envelope: TaskEnvelope = {
            workflowId: 'wf-e2e',
            taskId,
            attempt: 1,
            tool,
            input,
            priority: 1,
            dispatchedAt: now,
            deadline: now + 30_000,
            depth: 0,
          };
          await queue.dispatch(envelope);
        }
        for (const { taskId, outcome } of cases) {
          const ended = () =>
            reader.reports.find((r) => r.taskId === taskId && r.outcome.kind === outcome['kind']);
          await expect.poll(ended, { timeout: 15_000 }).toMatchObject({ taskId, outcome });
        }
        expect(await worker.stop('SIGTERM')).toBe(0);
        expect(worker.output()).toMatch(new RegExp(`stopped: ${cases.length} tasks reported`));
      } finally {
        await worker.stop();
        await reader.stop();
        await connection.close();
      }
    },
  );

  it('refuses to start, naming the setting, when its settings are wrong', async () => {
    const worker = startService(nats.url, `wpbad${process.pid}`, 'web-worker', {
      env: { FANOUT_POOL_WEB_SEARCH: '64' },
    });
    try {
      await expect(worker.ready(25_000)).rejects.toThrow();
      expect(worker.output()).toMatch(
        /FANOUT_POOL_WEB_SEARCH must be a whole number of instances from 1 to 32, got "64"/,
      );
    } finally {
      await worker.stop();
    }
  });
});
