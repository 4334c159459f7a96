/**
 * `npm run bench -- engine`: a 10,000-task workflow of `noop` tasks end to end (command
 * bus -> orchestrator process -> task queue -> worker -> command bus -> event log), then a
 * restart of the orchestrator that resumes a workflow with 10,000 events in its log.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subjects, type WorkflowEvent } from '@fanout/contracts';
import {
  CommandBus,
  connectNats,
  ensureTopology,
  EventStream,
  natsConfigFromEnv,
} from '@fanout/messaging';
import {
  startNats,
  startProcess,
  startService,
  workspaceRoot,
  type ServiceProcess,
} from '@fanout/testing';
import { bullmqRate, rawJetStreamRate } from './engine/peers';
import { noopTool, Worker } from '@fanout/worker-kit';
import type { ToolContext } from '@fanout/contracts';
import { percentile, round, table } from './stats';

/** When the worker started each task, by `<workflowId>/<taskId>`. */
const takenAt = new Map<string, number>();
const timedNoop = ((input: never, context: ToolContext) => {
  takenAt.set(`${context.workflowId}/${context.taskId}`, Date.now());
  return noopTool(input, context);
}) as typeof noopTool;

const TASKS = Number(process.env['BENCH_ENGINE_TASKS'] ?? 10_000);
/** The one large workflow: a forEach over this many items (a document of that many tasks would not fit a message). */
const LARGE = Number(process.env['BENCH_ENGINE_LARGE_TASKS'] ?? 100_000);

const COMPILED = join(workspaceRoot, 'dist/apps/orchestrator/main.js');

/**
 * An orchestrator process, run as a deployment runs it: the compiled build, with a small
 * young generation. `BENCH_ENGINE_TSX=1` runs the TypeScript through tsx instead.
 */
function orchestrator(natsUrl: string, prefix: string): ServiceProcess {
  // BENCH_ENGINE_PROFILE=<dir>: the orchestrator writes a CPU profile there when it stops.
  const profile = process.env['BENCH_ENGINE_PROFILE'];
  const nodeArgs = [
    '--max-semi-space-size=16',
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : []),
  ];
  const env = { FANOUT_ORCHESTRATOR_INSTANCE: `bench-${Date.now()}` };
  if (process.env['BENCH_ENGINE_TSX'])
    return startService(natsUrl, prefix, 'orchestrator', { env, nodeArgs });
  return startProcess(
    'orchestrator',
    [...nodeArgs, COMPILED],
    /microservice successfully started/,
    {
      NATS_URL: natsUrl,
      FANOUT_SUBJECT_PREFIX: prefix,
      ...env,
    },
  );
}

/** The time the orchestrator reports for taking the resume workflow over (load, replay, resume). */
async function reportedResumeMs(process: ServiceProcess): Promise<number> {
  const line = /took over bench-resume at event \d+: replayed and resumed in (\d+) ms/;
  for (;;) {
    const found = line.exec(process.output());
    if (found) return Number(found[1]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** CPU time a live process has used so far (user and system), from the kernel. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime, fields 14 and 15 of stat(5), in clock ticks (100 a second on Linux).
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Peak resident memory of a live process, from the kernel's high-water mark. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith('VmHWM:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

export async function run(): Promise<void> {
  if (!process.env['BENCH_ENGINE_TSX']) {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: workspaceRoot, stdio: 'inherit' });
  }
  const nats = await startNats();
  const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  const names = subjects('bench');
  await ensureTopology(connection, { prefix: names.prefix });
  const bus = new CommandBus(connection, names);
  const events = new EventStream(connection, names);
  const worker = new Worker({
    connection,
    names,
    service: 'bench-worker',
    tools: { noop: timedNoop },
    pools: { noop: 256 },
  });
  await worker.start();
  let orch = orchestrator(nats.url, names.prefix);
  await orch.ready();
  try {
    // Warm up: one small workflow, so start-up costs stay out of the figures.
    await submitAndWait(bus, events, 'warm-up', 10);

    console.error(`running ${TASKS} noop tasks…`);
    const natsCpu = () => (nats.pid === undefined ? Number.NaN : cpuMs(nats.pid));
    const cpuBefore = {
      orchestrator: cpuMs(orch.pid!),
      nats: natsCpu(),
      here: process.cpuUsage(),
    };
    const { log, ms: wallMs } = await submitAndWait(bus, events, 'bench-10k', TASKS);
    const orchestratorCpuMs = cpuMs(orch.pid!) - cpuBefore.orchestrator;
    const natsCpuMs = natsCpu() - cpuBefore.nats;
    const here = process.cpuUsage(cpuBefore.here);
    const workerCpuMs = (here.user + here.system) / 1000;
    const queued = dispatchLatencies(log);
    // Dispatch latency without queueing: a workflow that never saturates the worker, so
    // the figure is the orchestrator's path alone — decision, append, envelope on the
    // queue, pulled by the worker.
    const light = await submitAndWait(bus, events, 'bench-light', 1_000, 4);
    const latencies = dispatchLatencies(light.log);
    const rss = peakRssMb(orch.pid!);

    // Resume: kill -9 the orchestrator while a 10,000-event workflow is open, start another,
    // and time how long until it has replayed and moved the workflow on.
    console.error(`${TASKS} tasks in ${wallMs} ms; now a restart over a 10,000-event log…`);
    const events10k = await resumeBench(bus, events, nats.url, names.prefix, orch);
    orch = events10k.orchestrator;

    console.error(`${LARGE} tasks in one workflow (a forEach)…`);
    const large = await largeWorkflow(bus, events, LARGE);
    const largeRss = peakRssMb(orch.pid!);

    console.error('the peers: raw JetStream, then BullMQ on Redis…');
    const rawRate = await rawJetStreamRate(nats.url, TASKS);
    const bullmq = await bullmqRate(TASKS, 64);
    if (bullmq.note) console.error(bullmq.note);

    const figures = {
      tasks: TASKS,
      wall_s: round(wallMs / 1000),
      tasks_per_s: Math.round((TASKS / wallMs) * 1000),
      dispatch_p50_ms: percentile(latencies, 50),
      dispatch_p99_ms: percentile(latencies, 99),
      saturated_dispatch_p50_ms: percentile(queued, 50),
      resume_s: round(events10k.resumeMs / 1000),
      resume_events: events10k.events,
      peak_rss_mb: Math.round(rss),
      orchestrator_cpu_us_per_task: Math.round((orchestratorCpuMs * 1000) / TASKS),
      worker_cpu_us_per_task: Math.round((workerCpuMs * 1000) / TASKS),
      nats_server_cpu_us_per_task: Number.isNaN(natsCpuMs)
        ? null
        : Math.round((natsCpuMs * 1000) / TASKS),
      orchestrator: process.env['BENCH_ENGINE_TSX'] ? 'tsx' : 'compiled',
      large_tasks: LARGE,
      large_status: large.status,
      large_s: round(large.ms / 1000),
      large_peak_rss_mb: Math.round(largeRss),
      raw_jetstream_msgs_per_s: Math.round(rawRate),
      bullmq_jobs_per_s: bullmq.rate === undefined ? null : Math.round(bullmq.rate),
    };
    const ratios = {
      vs_raw_jetstream: round(figures.tasks_per_s / rawRate),
      vs_bullmq: bullmq.rate === undefined ? null : round(figures.tasks_per_s / bullmq.rate),
    };
    console.log(
      table(
        ['metric', 'value', 'floor'],
        [
          ['tasks/s (10k noop)', figures.tasks_per_s, '>= 5000'],
          ['  raw JetStream msgs/s (publish, consume, ack)', figures.raw_jetstream_msgs_per_s, ''],
          ['  BullMQ jobs/s (Redis, concurrency 64)', figures.bullmq_jobs_per_s ?? 'n/a', ''],
          ['  vs raw JetStream', ratios.vs_raw_jetstream, ''],
          ['  vs BullMQ', ratios.vs_bullmq ?? 'n/a', '>= 1'],
          ['dispatch p50 ms', figures.dispatch_p50_ms, '<= 2'],
          ['dispatch p99 ms', figures.dispatch_p99_ms, ''],
          ['dispatch p50 ms, 256 in flight (queueing)', figures.saturated_dispatch_p50_ms, ''],
          ['resume s', figures.resume_s, '<= 2'],
          [`${LARGE} tasks in one workflow: ${large.status}, s`, figures.large_s, ''],
          ['  orchestrator peak RSS MB by its end', figures.large_peak_rss_mb, ''],
          [`orchestrator peak RSS MB (${figures.orchestrator})`, figures.peak_rss_mb, '<= 200'],
          ['orchestrator CPU µs per task', figures.orchestrator_cpu_us_per_task, ''],
          ['worker process CPU µs per task (with the watcher)', figures.worker_cpu_us_per_task, ''],
          ['nats-server CPU µs per task', figures.nats_server_cpu_us_per_task ?? 'n/a', ''],
        ],
      ),
    );
    console.log(JSON.stringify({ bench: 'engine', ...figures, ratios }));
  } finally {
    await orch.stop('SIGTERM');
    await worker.drain(1_000);
    await connection.close();
    await nats.stop();
  }
}

/** From the decision to dispatch (TaskDispatched.at) to the worker holding the task. */
function dispatchLatencies(log: WorkflowEvent[]): number[] {
  const latencies: number[] = [];
  for (const event of log) {
    if (event.type !== 'TaskDispatched') continue;
    const taken = takenAt.get(`${event.workflowId}/${event.taskId}`);
    if (taken !== undefined) latencies.push(taken - event.at);
  }
  return latencies;
}

/**
 * Submits a workflow of `count` noop tasks and waits for its end: the time from the submit
 * to `WorkflowCompleted`, and its log, read back afterwards (outside the time).
 */
async function submitAndWait(
  bus: CommandBus,
  events: EventStream,
  workflowId: string,
  count: number,
  maxConcurrency = 256,
): Promise<{ ms: number; log: WorkflowEvent[] }> {
  const subscription = await events.subscribe({ workflowId, topic: 'results' }, 'all');
  const started = Date.now();
  await bus.publish({
    type: 'workflow.submit',
    commandId: `submit-${workflowId}`,
    workflowId,
    workflow: {
      budget: { maxConcurrency, maxTasks: count },
      phases: [
        {
          id: 'p',
          barrier: { timeoutMs: 600_000 },
          tasks: Array.from({ length: count }, (_, i) => ({ id: `t${i}`, tool: 'noop' })),
        },
      ],
    },
  });
  for await (const stored of subscription) {
    if (stored.event.type === 'WorkflowCompleted') break;
  }
  const ms = Date.now() - started;
  await subscription.stop();
  return { ms, log: (await events.read({ workflowId })).map((stored) => stored.event) };
}

/**
 * One workflow of `count` noop tasks, written as a forEach over a list a first task
 * returns: the engine's state for that many tasks, and the orchestrator's memory.
 */
async function largeWorkflow(bus: CommandBus, events: EventStream, count: number) {
  const workflowId = 'bench-large';
  const subscription = await events.subscribe({ workflowId, topic: 'results' }, 'all');
  const started = Date.now();
  await bus.publish({
    type: 'workflow.submit',
    commandId: `submit-${workflowId}`,
    workflowId,
    workflow: {
      // The list task, the forEach template and its copies.
      budget: { maxConcurrency: 256, maxTasks: count + 2 },
      phases: [
        {
          id: 'list',
          tasks: [
            {
              id: 'items',
              tool: 'noop',
              input: { echo: Array.from({ length: count }, (_, i) => i) },
            },
          ],
        },
        {
          id: 'each',
          dependsOn: ['list'],
          barrier: { timeoutMs: 3_600_000 },
          tasks: [{ id: 't', tool: 'noop', forEach: '${{ list.items.echo }}' }],
        },
      ],
    },
  });
  let status = 'unfinished';
  for await (const stored of subscription) {
    if (stored.event.type === 'WorkflowCompleted') {
      status = stored.event.status;
      const error = stored.event.synthesis.tasks.find((task) => task.error)?.error;
      if (error) console.error(`the large workflow ${status}: ${error.code} ${error.message}`);
      break;
    }
    if (stored.event.type === 'WorkflowRejected') {
      console.error(`the large workflow was rejected: ${JSON.stringify(stored.event.errors)}`);
      status = 'rejected';
      break;
    }
  }
  await subscription.stop();
  return { status, ms: Date.now() - started };
}

async function resumeBench(
  bus: CommandBus,
  events: EventStream,
  natsUrl: string,
  prefix: string,
  first: ServiceProcess,
) {
  // A workflow that is still open with 10,000 events in its log: 5,000 noop tasks
  // (dispatched and succeeded: two events each), then a phase waiting on a tool nobody
  // serves here.
  const workflowId = 'bench-resume';
  await bus.publish({
    type: 'workflow.submit',
    commandId: `submit-${workflowId}`,
    workflowId,
    workflow: {
      budget: { maxConcurrency: 256, maxTasks: 5_001 },
      phases: [
        {
          id: 'work',
          barrier: { timeoutMs: 600_000 },
          tasks: Array.from({ length: 5_000 }, (_, i) => ({ id: `t${i}`, tool: 'noop' })),
        },
        {
          id: 'wait',
          dependsOn: ['work'],
          barrier: { timeoutMs: 600_000 },
          tasks: [
            {
              id: 'fetch',
              tool: 'web.fetch',
              timeoutMs: 600_000,
              input: { url: 'http://127.0.0.1:9/' },
            },
          ],
        },
      ],
    },
  });
  let logged = 0;
  while (
    !(await events.read({ workflowId, topic: 'progress' })).some(
      (stored) => stored.event.type === 'PhaseStarted' && stored.event.phaseId === 'wait',
    )
  ) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const stored = await events.read({ workflowId });
  logged = stored.length;
  // A restart: the old replica stops (releasing its leases), a new one starts, and the
  // next command for the workflow makes it load the workflow by replaying its log.
  await first.stop('SIGTERM');
  const second = orchestrator(natsUrl, prefix);
  await second.ready();
  // It takes the workflow over at once (its lease is free) or on the next command.
  await bus.publish({
    type: 'workflow.cancel',
    commandId: `cancel-${workflowId}`,
    workflowId,
    reason: 'bench done',
  });
  const resumeMs = await reportedResumeMs(second);
  return { resumeMs, events: logged, orchestrator: second };
}
