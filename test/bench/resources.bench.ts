/**
 * The resource layer under load, on a real nats-server with real workers and the real
 * monitor (in this process):
 *
 * - **adaptive vs fixed**: 1,200 `code.grep` calls of 50 ms each (a worker of 8 grep slots,
 *   the calls standing in for ripgrep walks) while a web worker's 32 fetch slots idle: with
 *   the monitor's adaptive allocation (a window of 500 ms) the codebase family is given up
 *   to half again its share, without it the pool stays at 8. Ratio: adaptive / fixed total
 *   time (floor <= 0.8).
 * - **p0 start under a full p4 load**: 4 grep slots busy with p4 calls of 10 s; a p0 call
 *   arrives once they have run 1.5 s. Its start latency with preemption, and without
 *   (`preemptAfterMs: 0`), which waits for a slot (floor with preemption <= 1 s).
 *
 * Last line: one JSON object with the figures and ratios.
 * `npm run bench -- resources`, or standalone: `npx tsx test/bench/resources.bench.ts`.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { subjects, type Subjects, type ToolImplementation } from '@fanout/contracts';
import {
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

const CALLS = 1_200;
const CALL_MS = 50;
const GREP_SLOTS = 8;
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

/** Total time of the grep calls, with or without the monitor's adaptive allocation. */
async function mixed(url: string, connection: Connection, adaptive: boolean): Promise<number> {
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
  let done = 0;
  const grep = fakeGrep(() => undefined);
  const counted: AnyTool = async (input, ctx) => {
    const result = await grep(input, ctx);
    done += 1;
    return result;
  };
  const web = await worker(
    connection,
    names,
    'web-worker',
    { 'web.fetch': counted },
    {
      'web.fetch': 32,
    },
  );
  const codebase = await worker(
    connection,
    names,
    'codebase-worker',
    { 'code.grep': counted },
    {
      'code.grep': GREP_SLOTS,
    },
  );
  try {
    const queue = new TaskQueue(connection, names);
    const start = performance.now();
    for (let n = 0; n < CALLS; n++) await queue.dispatch(grepCall(n, 2, CALL_MS));
    while (done < CALLS) await sleep(20);
    return (performance.now() - start) / 1000;
  } finally {
    await codebase.drain(0);
    await web.drain(0);
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
    const fixed = await mixed(nats.url, connection, false);
    const adaptive = await mixed(nats.url, connection, true);
    const withPreemption = await p0Start(connection, 1_000);
    const without = await p0Start(connection, 0);
    console.log(
      table(
        ['load', 'fixed', 'adaptive / preempting', 'ratio'],
        [
          [
            `${CALLS} greps of ${CALL_MS} ms, web idle (s)`,
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
