import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { chromium, type Browser, type Page } from 'playwright-core';
import { FanoutClient, type WorkflowHandle } from '@fanout/client';
import type { WorkflowDocument } from '@fanout/contracts';
import {
  runFanout,
  startNats,
  startService,
  startServices,
  workspaceRoot,
  type NatsServer,
  type ServiceProcess,
  type Services,
} from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PREFIX = `dash${process.pid}`;
/** Set to write the finished workflow's page to docs/dashboard.png. */
const SCREENSHOT = process.env['FANOUT_DASHBOARD_SCREENSHOT'] === '1';

/** Lists this library's sources, then reads each: two phases, the second fanned out. */
const READ_SOURCES: WorkflowDocument = {
  name: 'read-the-dashboard',
  phases: [
    {
      id: 'find',
      tasks: [
        {
          id: 'models',
          tool: 'code.glob',
          input: { root: 'libs/dashboard/src/model', patterns: ['*.ts'] },
        },
        {
          id: 'app',
          tool: 'code.glob',
          input: { root: 'libs/dashboard/src/app', patterns: ['*.tsx'] },
        },
      ],
    },
    {
      id: 'read',
      dependsOn: ['find'],
      tasks: [
        {
          id: 'model',
          tool: 'code.read',
          forEach: '${{ find.models.files }}',
          input: { root: 'libs/dashboard/src/model', path: '${{ item }}' },
        },
        { id: 'entry', tool: 'code.read', input: { root: 'libs/dashboard/src', path: 'mod.ts' } },
      ],
    },
  ],
};

/** An agent whose plan holds another agent, whose plan lists files: a tree three deep. */
const agent = (id: string, plan: WorkflowDocument) => ({
  id,
  tool: 'agent.run',
  input: { specialist: 'plan', goal: `run ${id}`, plan },
});
const AGENTS: WorkflowDocument = {
  name: 'agents',
  phases: [
    {
      id: 'ask',
      tasks: [
        agent('master', {
          phases: [
            {
              id: 'delegate',
              tasks: [
                agent('specialist', {
                  phases: [
                    {
                      id: 'find',
                      tasks: [
                        {
                          id: 'files',
                          tool: 'code.glob',
                          input: { root: 'libs/dashboard/src/model', patterns: ['*.ts'] },
                        },
                      ],
                    },
                  ],
                }),
              ],
            },
          ],
        }),
      ],
    },
  ],
};

const bash = (command: string): WorkflowDocument => ({
  phases: [{ id: 'sh', tasks: [{ id: 'run', tool: 'bash.exec', input: { command } }] }],
});

describe('the dashboard in a real browser', () => {
  let nats: NatsServer;
  let services: Services;
  let gateway: ServiceProcess;
  let guarded: ServiceProcess;
  let bashWorker: ServiceProcess | undefined;
  let client: FanoutClient;
  let raw: NatsConnection;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    nats = await startNats();
    const env = { FANOUT_UI_PORT: '0', FANOUT_HTTP_PORT: 'off' };
    gateway = startService(nats.url, PREFIX, 'gateway', { env });
    guarded = startService(nats.url, PREFIX, 'gateway', {
      env: { ...env, FANOUT_UI_TOKEN: 'let-me-in' },
    });
    [services, browser] = await Promise.all([
      startServices(nats.url, PREFIX, ['orchestrator', 'codebase-worker', 'agent-worker']),
      chromium.launch({
        executablePath: '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox'],
      }),
    ]);
    await Promise.all([gateway.ready(), guarded.ready()]);
    url = /dashboard on (http:\/\/[\w.:[\]-]+)/.exec(gateway.output())![1]!;
    client = await FanoutClient.connect({ servers: nats.url, prefix: PREFIX });
    raw = await connect({ servers: nats.url });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await client?.close();
    await raw?.close();
    await bashWorker?.stop();
    await gateway?.stop();
    await guarded?.stop();
    await services?.stop();
    await nats?.stop();
  });

  const chip = (taskId: string) => page.locator(`[data-task-id="${taskId}"]`);

  it('lists a workflow as it starts, live, and draws every task of it reaching succeeded', async () => {
    await page.goto(url);
    await expect.poll(() => page.locator('h1').textContent()).toBe('Workflows');
    const handle = await client.submit(READ_SOURCES, { workflowId: 'wf-read' });
    const row = page.locator('[data-workflow-id="wf-read"]');
    await row.waitFor();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('succeeded');
    await row.locator('a').click();
    await page.waitForURL(`${url}/workflows/wf-read`);
    const done = await handle.wait({ timeoutMs: 20_000 });
    expect(done.status).toBe('succeeded');
    const tasks = done.synthesis.tasks.map((task) => task.taskId);
    expect(tasks.length).toBe(done.synthesis.counts.total);
    expect(tasks).toContain('read/model/0');
    for (const taskId of tasks) {
      await expect.poll(() => chip(taskId).getAttribute('data-status')).toBe('succeeded');
    }
    await chip('read/entry').click();
    await expect
      .poll(() => page.locator('[data-task-panel="read/entry"] pre.result').textContent())
      .toContain('export {');
    if (SCREENSHOT)
      await page.screenshot({ path: join(workspaceRoot, 'docs/dashboard.png'), fullPage: true });
  });

  it('shows a failing task with its error, on a page opened before the workflow was submitted', async () => {
    // Unknown at first (404): the page asks again until the workflow's log begins.
    await page.goto(`${url}/workflows/wf-fails`);
    const handle = await client.submit(
      {
        phases: [
          {
            id: 'p',
            tasks: [
              {
                id: 'missing',
                tool: 'code.read',
                input: { root: 'libs/dashboard', path: 'no-such-file.ts' },
                retry: { attempts: 1 },
              },
            ],
          },
        ],
      },
      { workflowId: 'wf-fails' },
    );
    await expect
      .poll(() => chip('p/missing').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('failed');
    const failed = (await handle.history()).find((event) => event.type === 'TaskFailed');
    expect(failed?.type === 'TaskFailed' && failed.error.code).toBeTruthy();
    await chip('p/missing').click();
    const error = page.locator('[data-task-error]');
    await expect
      .poll(() => error.textContent())
      .toContain(failed?.type === 'TaskFailed' ? failed.error.code : '?');
  });

  it('runs a dead letter again once retried from the page', async () => {
    // No shell worker yet: the task waits on its queue; there it is moved to the dead
    // letters, as a worker's consumer moves a task that used up its deliveries.
    const handle = await client.submit(bash('echo again'), { workflowId: 'wf-dead' });
    const jsm = await jetstreamManager(raw);
    const stream = `${PREFIX.toUpperCase()}_TASKS`;
    const subject = `${PREFIX}.task.bash.exec.p2`;
    const queued = await expect
      .poll(() => jsm.streams.getMessage(stream, { last_by_subj: subject }).catch(() => null), {
        timeout: 20_000,
      })
      .not.toBeNull()
      .then(() => jsm.streams.getMessage(stream, { last_by_subj: subject }));
    const envelope = queued!.json<Record<string, unknown>>();
    const letter = {
      tool: 'bash.exec',
      at: Date.now(),
      deliveries: 5,
      envelope,
      lastError: { code: 'WORKER_LOST', message: 'no heartbeat for 15 s', retryable: true },
    };
    const h = headers();
    h.set('Nats-Msg-Id', `dashboard-dead-${queued!.seq}`);
    await raw.publish(`${PREFIX}.dlq.bash.exec`, JSON.stringify(letter), { headers: h });
    await raw.flush();
    await jsm.streams.deleteMessage(stream, queued!.seq);

    await page.goto(`${url}/dead-letters`);
    const row = page.locator('tr[data-dead-letter]', { hasText: 'wf-dead/sh/run' });
    await row.waitFor({ timeout: 10_000 });
    await row.locator('button', { hasText: 'retry' }).click();
    await expect.poll(() => page.locator('p.empty').textContent()).toBe('no dead letters');
    bashWorker = startService(nats.url, PREFIX, 'bash-worker', {
      env: { FANOUT_HTTP_PORT: 'off' },
    });
    const done = await handle.wait({ timeoutMs: 40_000 });
    expect(done.status).toBe('succeeded');
    expect(await handle.result('sh/run')).toMatchObject({ result: { stdout: 'again\n' } });
  });

  it('cancels a running workflow from its page', async () => {
    await bashWorker!.ready();
    const handle: WorkflowHandle = await client.submit(bash('sleep 30'), {
      workflowId: 'wf-cancel',
    });
    await page.goto(`${url}/workflows/wf-cancel`);
    await expect
      .poll(() => chip('sh/run').getAttribute('data-status'), { timeout: 20_000 })
      .toBe('running');
    await page.locator('button.cancel').click();
    const done = await handle.wait({ timeoutMs: 20_000 });
    expect(done.status).toBe('cancelled');
    const log = await handle.history();
    expect(log.find((event) => event.type === 'WorkflowCancelRequested')).toMatchObject({
      reason: 'cancelled from the dashboard',
    });
    await expect.poll(() => chip('sh/run').getAttribute('data-status')).toBe('cancelled');
  });

  it('answers 404 for an unknown workflow, 400 for a malformed id, and keeps serving', async () => {
    const unknown = await fetch(`${url}/api/workflows/wf-nobody`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ error: expect.stringMatching(/no workflow wf-nobody/) });
    const malformed = await fetch(`${url}/api/workflows/a.b*/events`);
    expect(malformed.status).toBe(400);
    expect((await fetch(`${url}/api/workflows`)).status).toBe(200);
    // A result comes a page at a time: from an offset, with the whole length said.
    const page0 = await fetch(`${url}/api/workflows/wf-read/result?task=read/entry`);
    const first = (await page0.json()) as { total: number; text: string };
    expect(first.total).toBe(first.text.length);
    const rest = await fetch(`${url}/api/workflows/wf-read/result?task=read/entry&offset=10`);
    expect(((await rest.json()) as { text: string }).text).toBe(first.text.slice(10));
    const noResult = await fetch(`${url}/api/workflows/wf-read/result?task=read/nothing`);
    expect(noResult.status).toBe(404);
    const badOffset = await fetch(`${url}/api/workflows/wf-read/result?task=read/entry&offset=x`);
    expect(await badOffset.json()).toEqual({ error: expect.stringMatching(/offset="x"/) });
  });

  it('asks for the token when one is set: 401 without it or with another, data with it', async () => {
    const guardedUrl = /dashboard on (http:\/\/[\w.:[\]-]+)/.exec(guarded.output())![1]!;
    const without = await fetch(`${guardedUrl}/api/workflows`);
    expect(without.status).toBe(401);
    expect(await without.json()).toEqual({ error: expect.stringMatching(/asks for a token/) });
    const wrong = await fetch(`${guardedUrl}/api/workflows`, {
      headers: { authorization: 'Bearer guess' },
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${guardedUrl}/api/workflows`, {
      headers: { authorization: 'Bearer let-me-in' },
    });
    expect(right.status).toBe(200);
    expect(await right.json()).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: 'wf-read' })]),
    );
    // The page carries no data; it passes the token from its address to its API calls.
    const browserPage = await browser.newPage();
    await browserPage.goto(`${guardedUrl}/?token=let-me-in`);
    await browserPage.locator('[data-workflow-id="wf-read"]').waitFor({ timeout: 10_000 });
    await browserPage.close();
  });

  it("is served by fanout run --ui for the run's life, its URL said on stderr", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fanout-ui-'));
    const file = join(dir, 'one.json');
    writeFileSync(file, JSON.stringify(READ_SOURCES));
    const env = { NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: PREFIX, FANOUT_UI_PORT: '0' };
    const run = await runFanout(['run', file, '--ui', '--json', '--id', 'wf-ui'], env);
    rmSync(dir, { recursive: true, force: true });
    expect(run.code, run.stderr).toBe(0);
    const served = /fanout: dashboard on (http:\S+)/.exec(run.stderr)?.[1];
    expect(served).toBeDefined();
    // Gone with the run.
    await expect(fetch(`${served}/api/workflows`)).rejects.toThrow();
  });

  it('draws the agent tree, collapsible, each child workflow a click away', async () => {
    const handle = await client.submit(AGENTS, { workflowId: 'wf-agents' });
    expect((await handle.wait({ timeoutMs: 40_000 })).status).toBe('succeeded');
    await page.goto(`${url}/workflows/wf-agents`);
    const nodes = page.locator('[data-tree-workflow]');
    await expect.poll(() => nodes.count(), { timeout: 10_000 }).toBe(3);
    const root = page.locator('[data-tree-workflow="wf-agents"]');
    await root.locator('button.toggle').first().click();
    await expect.poll(() => nodes.count()).toBe(1);
    await root.locator('button.toggle').first().click();
    const leaf = nodes.nth(2);
    const leafId = (await leaf.getAttribute('data-tree-workflow'))!;
    await leaf.locator('a').first().click();
    await page.waitForURL(`${url}/workflows/${leafId}`);
    await expect
      .poll(() => chip('find/files').getAttribute('data-status'), { timeout: 10_000 })
      .toBe('succeeded');
    expect(await page.locator(`[data-tree-workflow="${leafId}"] strong`).count()).toBe(1);
  });

  it("lists the error channel's records: an invalid command the orchestrator refused", async () => {
    // As a service in another language might send it: a cancel that names no workflow.
    const invalid = { type: 'workflow.cancel', commandId: 'cancel-nothing', reason: 'why not' };
    await raw.publish(`${PREFIX}.cmd.p2.workflow.cancel`, JSON.stringify(invalid));
    await raw.flush();
    await page.goto(`${url}/errors`);
    const row = page.locator('tr[data-error-record]', { hasText: 'invalid-message' });
    await expect
      .poll(
        async () => {
          if ((await row.count()) > 0) return true;
          await page.locator('button', { hasText: 'refresh' }).click();
          return false;
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(true);
    await expect.poll(() => row.first().textContent()).toContain('orchestrator');
    await row.first().click();
    await expect.poll(() => page.locator('pre', { hasText: 'cancel-nothing' }).count()).toBe(1);
  });

  it("draws the monitor's view: the matrix as a heat map, the instances, and says so when no monitor runs", async () => {
    const without = await fetch(`${url}/api/resources`);
    expect(without.status).toBe(503);
    expect(((await without.json()) as { error: string }).error).toContain('monitor');
    const monitor = startService(nats.url, PREFIX, 'monitor', { env: { FANOUT_HTTP_PORT: 'off' } });
    try {
      await monitor.ready();
      await page.goto(`${url}/resources`);
      const webCpu = page.locator('tr[data-family="web"] td[data-share="cpu"]');
      await expect.poll(() => webCpu.textContent(), { timeout: 15_000 }).toBe('20%');
      await expect
        .poll(() => page.locator('tr[data-family="codebase"] td[data-share="io"]').textContent())
        .toBe('70%');
      // Heartbeats come every few seconds; the page asks again every five.
      await expect
        .poll(() => page.locator('tr[data-instance][data-status="ready"]').count(), {
          timeout: 30_000,
          interval: 1_000,
        })
        .toBeGreaterThan(0);
    } finally {
      await monitor.stop();
    }
  });
});
