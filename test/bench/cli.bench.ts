/**
 * `npm run bench -- cli`: how long one tool call takes from the command line. The same
 * `fanout call code.glob` against a running `fanout dev` (handed over its control socket),
 * against the embedded mode (a nats-server and every service started for the one call), and
 * beside them the start of a bare `node -e 0` on the same machine, in turn, so a drift in
 * the machine's speed touches all alike. The compiled build (`npm run build`, run first
 * here) is what is timed, and the `fanout` launcher (TypeScript through tsx) beside it.
 * Medians of `BENCH_CLI_RUNS` (20, 1 or more) runs after a warm-up; the embedded mode gets
 * a quarter of them (at least one), each costing seconds. Then `BENCH_CLI_HOP_RUNS` (10, 0
 * for none) more calls with the dev's bus watched, which split the call into its hops
 * (`trip-hops.ts`): they are not among the timed runs, since watching every message costs
 * the server a little.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectNats, natsConfigFromEnv } from '@fanout/messaging';
import { childEnv, workspaceRoot } from '@fanout/testing';
import { HOPS, traceHops, wallClock, type Hop } from './cli/trip-hops';
import { countFromEnv, spreadSamples } from './run-counts';
import { percentile, round, table } from './stats';

const RUNS = countFromEnv(process.env, 'BENCH_CLI_RUNS', 20);
const HOP_RUNS = countFromEnv(process.env, 'BENCH_CLI_HOP_RUNS', 10, 0);
/** The runs that also time an embedded call: a quarter of them, at least one. */
const EMBEDDED_RUNS = spreadSamples(RUNS, Math.max(1, Math.floor(RUNS / 4)));
const COMPILED = join(workspaceRoot, 'dist/apps/cli/main.js');
const LAUNCHER = join(workspaceRoot, 'apps/cli/bin/fanout.mjs');
const CALL = [
  'call',
  'code.glob',
  '--input',
  JSON.stringify({ root: 'apps/cli', patterns: ['src/cli.ts'] }),
  '--json',
];

/** Runs `node <args>` to its end and returns the ms it took; a non-zero exit fails the bench. */
function timed(args: string[], env: Record<string, string | undefined>): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: workspaceRoot,
    env: childEnv(env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`node ${args.join(' ')} exited ${code}: ${stderr}`)),
    ),
  );
}

const median = (samples: number[]) => round(percentile(samples, 50), 1);

export async function run(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: workspaceRoot, stdio: 'inherit' });
  const dir = mkdtempSync(join(tmpdir(), 'bench-cli-'));
  const dev = { NATS_URL: undefined, FANOUT_SUBJECT_PREFIX: undefined, FANOUT_HOME: dir };
  // A home where no dev runs: the call embeds.
  const embedded = { ...dev, FANOUT_HOME: join(dir, 'none') };
  execFileSync(process.execPath, [COMPILED, 'dev'], { env: childEnv(dev), stdio: 'inherit' });
  const samples = { node: [] as number[], dev: [] as number[], devTsx: [] as number[] };
  const embeddedMs: number[] = [];
  let hops: Record<Hop, number> | undefined;
  try {
    for (let i = 0; i <= RUNS; i++) {
      const node = await timed(['-e', '0'], dev);
      const call = await timed([COMPILED, ...CALL], dev);
      const callTsx = await timed([LAUNCHER, ...CALL], dev);
      if (i === 0) continue; // the warm-up
      samples.node.push(node);
      samples.dev.push(call);
      samples.devTsx.push(callTsx);
      if (EMBEDDED_RUNS.has(i)) embeddedMs.push(await timed([COMPILED, ...CALL], embedded));
    }
    hops = await traceCalls(join(dir, 'dev.json'), dev);
  } finally {
    execFileSync(process.execPath, [COMPILED, 'dev', 'stop'], { env: childEnv(dev) });
    rmSync(dir, { recursive: true, force: true });
  }
  const figures = {
    runs: RUNS,
    dev_call_p50_ms: median(samples.dev),
    dev_call_tsx_p50_ms: median(samples.devTsx),
    embedded_call_p50_ms: median(embeddedMs),
    node_start_p50_ms: median(samples.node),
  };
  const ratios = {
    dev_call_vs_node_start: round(figures.dev_call_p50_ms / figures.node_start_p50_ms),
    embedded_call_vs_dev_call: round(figures.embedded_call_p50_ms / figures.dev_call_p50_ms),
  };
  console.log(
    table(
      ['what', 'p50 ms', 'goal'],
      [
        ['node -e 0', figures.node_start_p50_ms, ''],
        ['fanout call code.glob, on fanout dev (compiled)', figures.dev_call_p50_ms, '<= 3x node'],
        ['  the same through the launcher (tsx)', figures.dev_call_tsx_p50_ms, ''],
        ['  the same, embedded (compiled)', figures.embedded_call_p50_ms, ''],
        ['dev call vs node start', ratios.dev_call_vs_node_start, '<= 3'],
      ],
    ),
  );
  if (hops) {
    console.log(
      `\nWhere a call's time goes (medians of ${HOP_RUNS} calls with the bus watched):\n` +
        table(
          ['hop', 'p50 ms', 'what'],
          Object.entries(HOPS).map(([hop, what]) => [hop, hops[hop as Hop], what]),
        ),
    );
  }
  console.log(JSON.stringify({ bench: 'cli', ...figures, ratios, ...(hops ? { hops } : {}) }));
}

/**
 * `HOP_RUNS` calls (compiled) with every message of the dev's server watched: the median
 * of each hop, or undefined when no call was seen whole.
 */
async function traceCalls(stateFile: string, env: Record<string, string | undefined>) {
  if (HOP_RUNS <= 0) return undefined;
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { natsUrl: string; prefix: string };
  const connection = await connectNats(natsConfigFromEnv({ NATS_URL: state.natsUrl }));
  const tracer = traceHops(connection, state.prefix);
  const samples = Object.fromEntries(Object.keys(HOPS).map((hop) => [hop, [] as number[]]));
  try {
    await connection.flush(); // the subscription is in place before the first call
    for (let i = 0; i < HOP_RUNS; i++) {
      const started = wallClock();
      tracer.start(started);
      await timed([COMPILED, ...CALL], env);
      const hops = tracer.hops(wallClock());
      for (const [hop, ms] of Object.entries(hops ?? {})) samples[hop]?.push(ms);
    }
  } finally {
    tracer.stop();
    await connection.close();
  }
  if (Object.values(samples).some((values) => values.length === 0)) return undefined;
  return Object.fromEntries(
    Object.entries(samples).map(([hop, values]) => [hop, median(values)]),
  ) as Record<Hop, number>;
}
