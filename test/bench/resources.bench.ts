/**
 * The resource layer under load, on a real nats-server with real workers and the real
 * monitor (in this process):
 *
 * - **adaptive vs fixed**: a mixed load on the real tools, sent at once — 240 `web.fetch`
 *   of a slow loopback site (300 ms a page, 8 slots), 60 `code.grep` (ripgrep over this
 *   repository, 8 slots) and 24 `bash.exec` (git, find, wc in the sandbox, 4 slots). With
 *   the monitor's adaptive allocation (a window of 500 ms) a family whose queue is deep
 *   while another idles is given up to half again its share; without it the pools stay
 *   as sized. Ratio: adaptive / fixed total time (floor <= 0.8).
 * - **p0 start under a full p4 load**: 4 grep slots busy with p4 calls of 10 s; a p0 call
 *   arrives once they have run 1.5 s. Its start latency with preemption, and without
 *   (`preemptAfterMs: 0`), which waits for a slot (floor with preemption <= 1 s).
 *
 * Last line: one JSON object with the figures and ratios.
 * `npm run bench -- resources`, or standalone: `npx tsx test/bench/resources.bench.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  MONITOR_RESOURCES,
  subjects,
  type Subjects,
  type TaskEnvelope,
  type ToolImplementation,
} from '@fanout/contracts';
import { codebaseSettingsFromEnv, createCodebaseTools } from '@fanout/tools-codebase';
import { createBashExec } from '@fanout/tools-shell';
import { createWebTools } from '@fanout/tools-web';
import {
  call,
  connectNats,
  ensureTopology,
  natsConfigFromEnv,
  sleep,
  TaskQueue,
} from '@fanout/messaging';
import { envelope } from '@fanout/messaging/testing';
import { bootService } from '@fanout/services';
import { startNats } from '@fanout/testing';
import { Worker, type AnyTool, type WorkerTiming } from '@fanout/worker-kit';
import { round, table } from './stats';

const codebaseTools = createCodebaseTools(codebaseSettingsFromEnv(process.env));

const REPO = resolve(import.meta.dirname, '../..');
/** The tree the greps walk: this repository's libraries and apps. */
const TREE = REPO;
const GREP_PATTERNS = ['export function', 'TODO', 'new Worker\\(', 'import .* from', 'class \\w+'];
const COMMAND_LINES = [
  'git log --oneline -20',
  'git status --short',
  'find libs -name "*.ts" -newer package.json',
  'wc -l README.md docs/architecture.md',
];
const FETCHES = 240;
const PAGE_MS = 300;
const GREPS = 60;
const COMMANDS = 24;
const FETCH_SLOTS = 8;
const GREP_SLOTS = 8;
const BASH_SLOTS = 4;
const CALL_MS = 50;
const FLOORS = { adaptive_vs_fixed: 0.8, p0_start_s: 1 };
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

type Connection = Awaited<ReturnType<typeof connectNats>>;

/** A stand-in for ripgrep: waits `sleepMs` (its input's maxMatches), then finds nothing. */
function fakeGrep(started: (priority: string) => void): AnyTool {
  const grep: ToolImplementation<'code.grep'> = async (input, ctx) => {
    started(input.include[0] ?? '');
    await sleep(input.maxMatches ?? CALL_MS, ctx.signal);
    return { matches: [], truncated: false, filesSearched: 0 };
  };
  return grep as AnyTool;
}

const grepCall = (n: number, priority: number, ms: number, label = `p${priority}`) =>
  envelope(n, {
    workflowId: `wf-${label}`,
    taskId: `p/grep-${n}`,
    tool: 'code.grep',
    priority: priority as 0 | 1 | 2 | 3 | 4,
    input: { root: '/tmp', pattern: 'x', include: [label], maxMatches: ms },
    deadline: Date.now() + 600_000,
  });

async function worker(
  connection: Connection,
  names: Subjects,
  service: string,
  tools: Record<string, AnyTool>,
  pools: Record<string, number>,
  timing: Partial<WorkerTiming> = {},
): Promise<Worker> {
  const started = new Worker({
    connection,
    names,
    service,
    tools,
    pools,
    timing: { vitalsMs: 250, ...timing },
    logger: quiet,
  });
  await started.start();
  return started;
}

/** A loopback site whose every page answers after `PAGE_MS`: a slow remote site. */
async function slowSite(): Promise<{ url: (n: number) => string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    if (request.url === '/robots.txt') {
      response.writeHead(404).end();
      return;
    }
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(`page ${request.url}\n${'words of a page '.repeat(256)}`);
    }, PAGE_MS);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    // One host: the fetcher's per-host limits are opened to 64 below, so the pool is what bounds.
    url: (n) => `http://127.0.0.1:${port}/page-${n}`,
    close: () => new Promise((closed) => server.close(() => closed())),
  };
}

/** The mixed load, interleaved as workflows of the three families would send it. */
function mixedLoad(site: (n: number) => string): TaskEnvelope[] {
  const call = (n: number, tool: string, input: Record<string, unknown>) =>
    envelope(n, {
      workflowId: `wf-${tool.replace('.', '-')}`,
      taskId: `p/${tool.replace('.', '-')}-${n}`,
      tool,
      input,
      deadline: Date.now() + 600_000,
    });
  const calls: TaskEnvelope[] = [];
  for (let n = 0; n < FETCHES; n++) {
    calls.push(call(n, 'web.fetch', { url: site(n), extract: 'text' }));
    if (n < GREPS) {
      calls.push(
        call(n, 'code.grep', { root: TREE, pattern: GREP_PATTERNS[n % GREP_PATTERNS.length] }),
      );
    }
    if (n < COMMANDS) {
      calls.push(
        call(n, 'bash.exec', { command: COMMAND_LINES[n % COMMAND_LINES.length], cwd: REPO }),
      );
    }
  }
  return calls;
}

/**
 * Total time of the mixed load on real tools (ripgrep over a real tree, bash commands in
 * the sandbox, fetches of a slow loopback site), with or without the monitor's adaptive
 * allocation. Returns the seconds and how many calls failed.
 */
async function mixed(
  url: string,
  connection: Connection,
  adaptive: boolean,
): Promise<{ seconds: number; failed: number }> {
  const names = subjects(`resbench${adaptive ? 'a' : 'f'}${process.pid}`);
  await ensureTopology(connection, { prefix: names.prefix });
  const monitor = await bootService('monitor', {
    env: {
      NATS_URL: url,
      FANOUT_SUBJECT_PREFIX: names.prefix,
      FANOUT_MONITOR_ADAPT_EVERY_MS: adaptive ? '500' : '0',
      FANOUT_MONITOR_VITALS_MS: '1000',
    },
    logger: false,
  });
  const site = await slowSite();
  const web = createWebTools({
    providers: [],
    fetch: {
      allow: ['127.0.0.0/8'],
      politenessDelayMs: 0,
      perHostConcurrency: 64,
      connectionsPerOrigin: 64,
    },
  });
  let done = 0;
  let failed = 0;
  const counted =
    (tool: AnyTool): AnyTool =>
    async (input, ctx) => {
      try {
        return await tool(input, ctx);
      } catch (error) {
        failed += 1;
        throw error;
      } finally {
        done += 1;
      }
    };
  const workers = [
    await worker(
      connection,
      names,
      'web-worker',
      { 'web.fetch': counted(web['web.fetch'] as AnyTool) },
      { 'web.fetch': FETCH_SLOTS },
    ),
    await worker(
      connection,
      names,
      'codebase-worker',
      { 'code.grep': counted(codebaseTools['code.grep'] as AnyTool) },
      { 'code.grep': GREP_SLOTS },
    ),
    await worker(
      connection,
      names,
      'bash-worker',
      { 'bash.exec': counted(createBashExec({ workspaceRoot: REPO }) as AnyTool) },
      { 'bash.exec': BASH_SLOTS },
    ),
  ];
  const load = mixedLoad(site.url);
  try {
    const queue = new TaskQueue(connection, names);
    const start = performance.now();
    for (const task of load) await queue.dispatch(task);
    while (done < load.length) await sleep(20);
    const seconds = (performance.now() - start) / 1000;
    // What the monitor decided, and why, on stderr beside the figures.
    const { decisions } = await call(connection, MONITOR_RESOURCES, {}, { names });
    for (const d of decisions)
      console.error(`${adaptive ? 'adaptive' : 'fixed'}: ${d.kind} ${d.reason}`);
    return { seconds, failed };
  } finally {
    for (const started of workers) await started.drain(0);
    await web.close();
    await site.close();
    await monitor.close();
  }
}

/** Seconds from a p0 call's dispatch to its start, under 4 busy p4 calls. */
async function p0Start(connection: Connection, preemptAfterMs: number): Promise<number> {
  const names = subjects(`resbenchp${preemptAfterMs}x${process.pid}`);
  await ensureTopology(connection, { prefix: names.prefix });
  let p0At = 0;
  let running = 0;
  const grep = fakeGrep((label) => {
    if (label === 'p0') p0At = performance.now();
    else running += 1;
  });
  const codebase = await worker(
    connection,
    names,
    'codebase-worker',
    { 'code.grep': grep },
    {
      'code.grep': 4,
    },
    { preemptAfterMs },
  );
  try {
    const queue = new TaskQueue(connection, names);
    for (let n = 0; n < 4; n++) await queue.dispatch(grepCall(n, 4, 10_000));
    while (running < 4) await sleep(10);
    await sleep(1_500);
    const sent = performance.now();
    await queue.dispatch(grepCall(100, 0, 10, 'p0'));
    while (p0At === 0) await sleep(5);
    return (p0At - sent) / 1000;
  } finally {
    await codebase.drain(0);
  }
}

/** The bench entry point. */
export async function run(): Promise<void> {
  await using nats = await startNats();
  const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  try {
    const fixedRun = await mixed(nats.url, connection, false);
    const adaptiveRun = await mixed(nats.url, connection, true);
    const fixed = fixedRun.seconds;
    const adaptive = adaptiveRun.seconds;
    const withPreemption = await p0Start(connection, 1_000);
    const without = await p0Start(connection, 0);
    console.log(
      table(
        ['load', 'fixed', 'adaptive / preempting', 'ratio'],
        [
          [
            `${FETCHES} fetches, ${GREPS} greps, ${COMMANDS} commands (s)`,
            round(fixed, 2),
            round(adaptive, 2),
            round(adaptive / fixed),
          ],
          [
            'p0 start under 4 busy p4 (s)',
            round(without, 3),
            round(withPreemption, 3),
            round(withPreemption / without),
          ],
        ],
      ),
    );
    console.log(
      `floors: adaptive / fixed <= ${FLOORS.adaptive_vs_fixed}, p0 start with preemption <= ${FLOORS.p0_start_s} s`,
    );
    console.log(
      JSON.stringify({
        bench: 'resources',
        figures: {
          fixed_s: round(fixed, 3),
          adaptive_s: round(adaptive, 3),
          failed_calls: fixedRun.failed + adaptiveRun.failed,
          p0_start_preempting_s: round(withPreemption, 3),
          p0_start_waiting_s: round(without, 3),
        },
        ratios: {
          adaptive_vs_fixed: round(adaptive / fixed),
          p0_start_preempting_vs_waiting: round(withPreemption / without),
        },
      }),
    );
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await run();
}
