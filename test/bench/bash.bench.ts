/**
 * 1,000 `true` commands, 16 at a time, through `bash.exec` (the tool function with its
 * category limiter; worker-kit has no way yet to host a tool without NATS, so the tool is
 * timed directly) with the sandbox off and on, side by side with `xargs -P16` and GNU
 * `parallel -j16`. Prints a table, then (last line) one JSON object whose ratios the
 * floors are set on (sandbox off): vs_parallel <= 0.7, vs_xargs <= 3.
 *
 * The machine may be busy, so the paths run in turn within each round and the figure of
 * each is its median over the rounds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fanoutPath } from './bash/fanout-path';
import { gnuParallel, spawnLoop, xargsExec, xargsShell, type Path } from './bash/peers';
import { percentile, round, table } from './stats';

const COUNT = 1_000;
const SLOTS = 16;
const ROUNDS = 5;
const COMMAND = 'true';
const FLOORS = { vs_parallel: 0.7, vs_xargs: 3 };

async function time(path: Path): Promise<number> {
  const started = performance.now();
  await path.run(COUNT);
  return (performance.now() - started) / 1000;
}

export async function run(): Promise<void> {
  const workspace = mkdtempSync(join(tmpdir(), 'fanout-bash-bench-'));
  try {
    const paths: [string, Path][] = [
      ['fanout_sandbox_off', fanoutPath(SLOTS, COMMAND, 'off', workspace)],
      ['fanout_sandbox_on', fanoutPath(SLOTS, COMMAND, 'required', workspace)],
      ['xargs', xargsExec(SLOTS, COMMAND)],
      ['xargs_bash_c', xargsShell(SLOTS, COMMAND)],
      ['parallel', gnuParallel(SLOTS, COMMAND)],
      ['node_spawn_loop', spawnLoop(SLOTS, COMMAND)],
    ];
    for (const [, path] of paths)
      if (path.absent) console.log(`skipped ${path.name}: ${path.absent}`);
    const present = paths.filter(([, path]) => !path.absent);
    // Warm-up: the parser's WASM, the launcher, bubblewrap's probe, the page cache.
    for (const [, path] of present) await path.run(50);
    const walls = new Map<string, number[]>(present.map(([key]) => [key, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, path] of present) walls.get(key)?.push(await time(path));
    }
    const figures: Record<string, number> = {};
    const rows: (string | number)[][] = [];
    for (const [key, path] of present) {
      const samples = walls.get(key) ?? [];
      const median = round3(percentile(samples, 50));
      figures[`${key}_s`] = median;
      rows.push([
        path.name,
        median,
        round3(Math.min(...samples)),
        round3(Math.max(...samples)),
        round3((median * 1000) / COUNT),
      ]);
    }
    console.log(table(['path', 'median s', 'min s', 'max s', 'ms/command'], rows));
    const ours = figures['fanout_sandbox_off_s'] ?? Number.NaN;
    const ratio = (peer: string) => (figures[peer] ? round3(ours / figures[peer]) : null);
    const ratios = { vs_xargs: ratio('xargs_s'), vs_parallel: ratio('parallel_s') };
    console.log(
      `floors (sandbox off): vs_parallel <= ${FLOORS.vs_parallel}, vs_xargs <= ${FLOORS.vs_xargs}; ` +
        `${COUNT} x \`${COMMAND}\`, ${SLOTS} slots, median of ${ROUNDS} rounds; tool timed directly (no worker-kit host without NATS)`,
    );
    console.log(JSON.stringify({ bench: 'bash', figures, ratios }));
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

function round3(value: number): number {
  return round(value, 3);
}
