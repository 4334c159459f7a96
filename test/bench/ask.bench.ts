/**
 * `npm run bench -- ask`: `fanout ask` over a large real tree (this repository's
 * node_modules unless BENCH_ASK_ROOT names another) with the template planners, the
 * codebase specialist under the master. The orchestrator, codebase worker and agent
 * worker run as processes, as deployed; `fanout ask` is the real command.
 *
 * From the tree's event logs: every tool call the specialists made and how many ran at
 * once at the peak (a call runs from its TaskStarted to the end of that attempt). Then
 * the same calls with the same inputs one by one, in this process, straight to the tool
 * functions (no bus at all); and the same searches as plain `rg` calls in a shell loop,
 * one per pattern and glob, as a person at a terminal would run them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { subjects, TOOLS, type ToolContext, type WorkflowEvent } from '@fanout/contracts';
import { connectNats, ensureTopology, EventStream, natsConfigFromEnv } from '@fanout/messaging';
import { runFanout, startNats, startService, workspaceRoot } from '@fanout/testing';
import { codebaseSettingsFromEnv, createCodebaseTools, ripgrepPath } from '@fanout/tools-codebase';
import { runTool } from '@fanout/worker-kit';
import { round, table } from './stats';

const codebaseTools = createCodebaseTools(codebaseSettingsFromEnv(process.env));

const ROOT = resolve(process.env['BENCH_ASK_ROOT'] ?? join(workspaceRoot, 'node_modules'));
const GOAL =
  process.env['BENCH_ASK_GOAL'] ??
  'where is parseArgs defined and who calls it; how are createHash and readFileSync used';

/** One tool call of the tree, as its first attempt was dispatched and ran. */
interface ToolCall {
  tool: keyof typeof codebaseTools;
  input: Record<string, unknown>;
  startedAt: number;
  endedAt: number;
}

export async function run(): Promise<void> {
  const nats = await startNats();
  const connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
  const names = subjects('benchask');
  await ensureTopology(connection, { prefix: names.prefix });
  const events = new EventStream(connection, names);
  // BENCH_ASK_PROFILE=<dir>: each service writes a CPU profile there when it stops.
  const profile = process.env['BENCH_ASK_PROFILE'];
  const nodeArgs = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
  const services = ['orchestrator', 'codebase-worker', 'agent-worker'].map((name) =>
    startService(nats.url, names.prefix, name, { nodeArgs }),
  );
  await Promise.all(services.map((service) => service.ready()));
  const master = 'ask-bench';
  try {
    console.error(`fanout ask over ${ROOT}: "${GOAL}"…`);
    const askStarted = Date.now();
    const ask = await runFanout([
      'ask',
      GOAL,
      '--json',
      '--root',
      ROOT,
      '--specialists',
      'codebase',
      '--id',
      master,
      '--nats',
      nats.url,
      '--prefix',
      names.prefix,
    ]);
    const commandMs = Date.now() - askStarted;
    if (ask.code !== 0) throw new Error(`fanout ask exited ${ask.code}: ${ask.stderr}`);
    const report = join(tmpdir(), 'bench-ask-report.json');
    writeFileSync(report, ask.stdout);
    console.error(`its answer: ${report}`);
    const logs = await treeLogs(events, master);
    const calls = toolCalls(logs);
    printRounds(logs, master);
    const masterLog = logs.get(master) ?? [];
    const askMs = (masterLog.at(-1)?.at ?? 0) - (masterLog[0]?.at ?? 0);
    const counts = countBy(calls.map((call) => call.tool));

    console.error(`${calls.length} tool calls; now one by one…`);
    const oneByOneMs = await oneByOne(calls);
    console.error('and as rg calls in a shell loop…');
    const rgLoop = rgLoopOf(calls);

    const figures = {
      root: ROOT,
      tool_calls: calls.length,
      by_tool: counts,
      peak_parallel: peakParallel(calls),
      ask_s: round(askMs / 1000),
      ask_command_s: round(commandMs / 1000),
      one_by_one_s: round(oneByOneMs / 1000),
      rg_commands: rgLoop.commands,
      rg_loop_s: round(rgLoop.ms / 1000),
    };
    const ratios = {
      ask_vs_one_by_one: round(askMs / oneByOneMs),
      ask_vs_rg_loop: round(askMs / rgLoop.ms),
    };
    console.log(
      table(
        ['metric', 'value', 'goal'],
        [
          ['tool calls', figures.tool_calls, ''],
          ...Object.entries(counts).map(([tool, count]) => [`  ${tool}`, count, '']),
          ['peak parallel tool calls', figures.peak_parallel, '>= 32'],
          ['ask, submit to completion s', figures.ask_s, ''],
          ['fanout ask command s', figures.ask_command_s, ''],
          ['the same calls one by one s', figures.one_by_one_s, ''],
          [`the searches as ${rgLoop.commands} rg calls in a loop s`, figures.rg_loop_s, ''],
          ['ask vs one by one', ratios.ask_vs_one_by_one, '< 1'],
          ['ask vs rg loop', ratios.ask_vs_rg_loop, ''],
        ],
      ),
    );
    console.log(JSON.stringify({ bench: 'ask', ...figures, ratios }));
  } finally {
    // SIGTERM: a drained service writes its profile on the way out.
    await Promise.all(services.map((service) => service.stop('SIGTERM')));
    await connection.close();
    await nats.stop();
  }
}

/** Every workflow of the tree under `master`, by id, with its whole log. */
async function treeLogs(events: EventStream, master: string) {
  const logs = new Map<string, WorkflowEvent[]>();
  const pending = [master];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const log = (await events.read({ workflowId: id })).map((stored) => stored.event);
    logs.set(id, log);
    for (const event of log) if (event.type === 'ChildStarted') pending.push(event.childWorkflowId);
  }
  return logs;
}

/**
 * The tool calls (not the agents' own tasks) of every workflow, their first attempts. A
 * call ran for the `durationMs` its worker measured, up to its TaskSucceeded; a quick
 * call may have no TaskStarted at all (its report came first), a failed one has no
 * duration and ran from its TaskStarted, else its dispatch.
 */
function toolCalls(logs: Map<string, WorkflowEvent[]>): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const log of logs.values()) {
    const dispatched = new Map<string, { tool: string; input?: unknown; at: number }>();
    const started = new Map<string, number>();
    for (const event of log) {
      if (!('taskId' in event && 'attempt' in event) || event.attempt !== 1) continue;
      const call = dispatched.get(event.taskId);
      if (event.type === 'TaskDispatched') dispatched.set(event.taskId, event);
      else if (event.type === 'TaskStarted') started.set(event.taskId, event.at);
      else if (call && call.tool in codebaseTools) {
        const startedAt =
          event.type === 'TaskSucceeded'
            ? event.at - event.durationMs
            : event.type === 'TaskAttemptFailed'
              ? (started.get(event.taskId) ?? call.at)
              : undefined;
        if (startedAt === undefined) continue;
        calls.push({
          tool: call.tool as ToolCall['tool'],
          input: call.input as Record<string, unknown>,
          startedAt,
          endedAt: event.at,
        });
      }
    }
  }
  return calls;
}

/** On stderr, each workflow of the tree: when it started after the master, how long it ran. */
function printRounds(logs: Map<string, WorkflowEvent[]>, master: string): void {
  const start = logs.get(master)?.[0]?.at ?? 0;
  const rows = [...logs]
    .map(([id, log]) => {
      const calls = log.filter((event) => event.type === 'TaskDispatched').length;
      const first = log[0]?.at ?? start;
      return [id, first - start, (log.at(-1)?.at ?? first) - first, calls] as const;
    })
    .sort((a, b) => a[1] - b[1]);
  console.error(
    table(
      ['workflow', 'started ms', 'ran ms', 'dispatches'],
      rows.map((row) => [...row]),
    ),
  );
}

/** The most calls running at one moment; an end at the same millisecond as a start comes first. */
function peakParallel(calls: ToolCall[]): number {
  const edges = calls.flatMap((call) => [
    { at: call.startedAt, step: 1 },
    { at: call.endedAt, step: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let running = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (running += edge.step));
  return peak;
}

/** The wall time of the calls made one after another, straight to the tool functions. */
async function oneByOne(calls: ToolCall[]): Promise<number> {
  const discard = { push: async () => undefined };
  const started = Date.now();
  for (const [index, call] of calls.entries()) {
    const context: ToolContext = {
      signal: new AbortController().signal,
      workflowId: 'one-by-one',
      taskId: `call${index}`,
      attempt: 1,
    };
    // Parsed as a worker parses it: the contract's defaults filled in.
    const input = TOOLS[call.tool].input.parse(call.input);
    const outcome = await runTool(codebaseTools[call.tool], input, context, () => discard, 0);
    if (outcome.status !== 'returned') throw new Error(`${call.tool} did not return one by one`);
  }
  return Date.now() - started;
}

/**
 * The calls' searches as a shell script of plain rg calls, one per pattern and glob over
 * the whole root, as a person at a terminal would run them (a search the specialist split
 * by directory is one rg per pattern here), timed.
 */
function rgLoopOf(calls: ToolCall[]): { commands: number; ms: number } {
  const quote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
  const list = (value: unknown) => (Array.isArray(value) ? (value as string[]) : []);
  const lines = new Set<string>();
  for (const { tool, input } of calls) {
    // The tools run rg in the root, so globs match paths below it: the loop does too.
    const cd = `cd ${quote(String(input['root']))} &&`;
    // Anchored excludes (`/dir/`) only keep the parts of a split search apart.
    const excludes = [...list(input['exclude']), ...list(input['ignore'])]
      .filter((glob) => !glob.startsWith('/'))
      .map((glob) => `-g ${quote(`!${glob}`)}`);
    if (tool === 'code.glob') {
      for (const pattern of list(input['patterns']))
        lines.add(`${cd} rg --files -g ${quote(pattern)} ${excludes.join(' ')}`);
    }
    if (tool === 'code.grep') {
      const includes = list(input['include']).map((glob) => `-g ${quote(glob)}`);
      const patterns = input['patterns'] ? list(input['patterns']) : [String(input['pattern'])];
      for (const pattern of patterns)
        lines.add(`${cd} rg -n ${includes.join(' ')} ${excludes.join(' ')} -e ${quote(pattern)}`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'bench-ask-'));
  const script = join(dir, 'searches.sh');
  writeFileSync(
    script,
    `rg() { ${quote(ripgrepPath)} --no-config "$@"; }\n${[...lines].join('\n')}\n`,
  );
  try {
    const started = Date.now();
    const result = spawnSync('bash', [script], { stdio: 'ignore' });
    if (result.error) throw result.error;
    return { commands: lines.size, ms: Date.now() - started };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
