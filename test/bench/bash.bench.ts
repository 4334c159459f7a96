/**
 * 1,000 `true` commands, 16 at a time, through `bash.exec` (the tool function with its
 * category limiter; worker-kit has no way yet to host a tool without NATS, so the tool is
 * timed directly) with the sandbox off and on, side by side with `xargs -P16` and GNU
 * `parallel -j16`. Prints a table, then (last line) one JSON object whose ratios the
 * floors are set on (sandbox off): vs_parallel <= 0.7, vs_xargs <= 3.
 *
 * `fanout_execa` is the same tool starting each command with execa (a fork of Node per
 * command, `prlimit` in the argv) instead of the resident perl launcher: the bench process
 * holds what a worker holds (the same libraries, about 200 MB resident), and Node's fork
 * copies page tables in proportion to that. The last two rows repeat the pair after the
 * bench has grown its resident set to `BENCH_BASH_HEAP_MB` (500), a worker that has been
 * busy a while. Each path also says how long the event loop stalled (p99 and max of its
 * delay): libuv waits for the child's exec on the loop, and that is where a fork's cost
 * lands for everything else a worker does.
 *
 * The machine may be busy, so the paths run in turn within each round and the figure of
 * each is its median over the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ExecaSpawner } from '@fanout/tools-shell';
import { fanoutPath } from './bash/fanout-path';
import { gnuParallel, spawnLoop, xargsExec, xargsShell, type Path } from './bash/peers';
import { percentile, round, table } from './stats';

/** Commands per round; `BENCH_BASH_COUNT` makes a quick run shorter. */
const COUNT = Number(process.env['BENCH_BASH_COUNT'] ?? 1_000);
const SLOTS = 16;
const ROUNDS = 5;
const COMMAND = 'true';
const FLOORS = { vs_parallel: 0.7, vs_xargs: 3 };
const HEAP_MB = Number(process.env['BENCH_BASH_HEAP_MB'] ?? 500);

interface Sample {
  seconds: number;
  /** Event-loop delay while the path ran, ms. */
  stallP99: number;
  stallMax: number;
}

async function time(path: Path): Promise<Sample> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const started = performance.now();
  await path.run(COUNT);
  const seconds = (performance.now() - started) / 1000;
  delay.disable();
  return { seconds, stallP99: delay.percentile(99) / 1e6, stallMax: delay.max / 1e6 };
}

/** Warms the paths, times them in turn for `ROUNDS` rounds, and gives each one's medians. */
async function measure(paths: [string, Path][]): Promise<Map<string, Sample[]>> {
  for (const [, path] of paths) await path.run(50);
  const samples = new Map<string, Sample[]>(paths.map(([key]) => [key, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [key, path] of paths) samples.get(key)?.push(await time(path));
  }
  return samples;
}

/** Keeps objects alive until the process's resident set is `mb` megabytes. */
function growResidentSet(mb: number): unknown[] {
  const kept: unknown[] = [];
  while (process.memoryUsage.rss() < mb * 1024 * 1024) {
    kept.push(Array.from({ length: 10_000 }, (_, i) => ({ i, text: `entry ${i}` })));
  }
  return kept;
}

export async function run(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'fanout-bash-bench-'));
  const figures: Record<string, number> = {};
  const rows: (string | number)[][] = [];
  const report = (samples: Map<string, Sample[]>, paths: [string, Path][], suffix = '') => {
    for (const [key, path] of paths) {
      const runs = samples.get(key) ?? [];
      const walls = runs.map((run) => run.seconds);
      const median = round3(percentile(walls, 50));
      figures[`${key}${suffix}_s`] = median;
      figures[`${key}${suffix}_stall_p99_ms`] = round3(
        percentile(
          runs.map((run) => run.stallP99),
          50,
        ),
      );
      rows.push([
        `${path.name}${suffix ? ` (${suffix.slice(1)})` : ''}`,
        median,
        round3(Math.min(...walls)),
        round3(Math.max(...walls)),
        round3((median * 1000) / COUNT),
        figures[`${key}${suffix}_stall_p99_ms`] ?? 0,
        round3(Math.max(...runs.map((run) => run.stallMax))),
      ]);
    }
  };
  try {
    const launcher = fanoutPath(SLOTS, COMMAND, 'off', workspace);
    const execa = fanoutPath(SLOTS, COMMAND, 'off', workspace, new ExecaSpawner());
    const paths: [string, Path][] = [
      ['fanout_sandbox_off', launcher],
      ['fanout_sandbox_on', fanoutPath(SLOTS, COMMAND, 'required', workspace)],
      ['fanout_execa', execa],
      ['xargs', xargsExec(SLOTS, COMMAND)],
      ['xargs_bash_c', xargsShell(SLOTS, COMMAND)],
      ['parallel', gnuParallel(SLOTS, COMMAND)],
      ['node_spawn_loop', spawnLoop(SLOTS, COMMAND)],
    ];
    for (const [, path] of paths)
      if (path.absent) console.log(`skipped ${path.name}: ${path.absent}`);
    const present = paths.filter(([, path]) => !path.absent);
    report(await measure(present), present);
    const ownRss = Math.round(process.memoryUsage.rss() / 2 ** 20);

    const kept = growResidentSet(HEAP_MB);
    const rss = Math.round(process.memoryUsage.rss() / 2 ** 20);
    const atHeap: [string, Path][] = [
      ['fanout_sandbox_off', launcher],
      ['fanout_execa', execa],
    ];
    report(await measure(atHeap), atHeap, `_rss_${HEAP_MB}mb`);
    kept.length = 0;

    console.log(
      table(
        ['path', 'median s', 'min s', 'max s', 'ms/command', 'stall p99 ms', 'stall max ms'],
        rows,
      ),
    );
    const ours = figures['fanout_sandbox_off_s'] ?? Number.NaN;
    const ratio = (peer: string) => (figures[peer] ? round3(ours / figures[peer]) : null);
    const heavy = (key: string) => figures[`${key}_rss_${HEAP_MB}mb_s`] ?? Number.NaN;
    const ratios = {
      vs_xargs: ratio('xargs_s'),
      vs_parallel: ratio('parallel_s'),
      launcher_vs_execa: ratio('fanout_execa_s'),
      launcher_vs_execa_at_heap: round3(heavy('fanout_sandbox_off') / heavy('fanout_execa')),
    };
    console.log(
      `floors (sandbox off): vs_parallel <= ${FLOORS.vs_parallel}, vs_xargs <= ${FLOORS.vs_xargs}; ` +
        `${COUNT} x \`${COMMAND}\`, ${SLOTS} slots, median of ${ROUNDS} rounds; tool timed directly (no worker-kit host without NATS); ` +
        `resident set ${ownRss} MB, then ${rss} MB for the last two rows`,
    );
    console.log(JSON.stringify({ bench: 'bash', figures, ratios }));
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function round3(value: number): number {
  return round(value, 3);
}
