/**
 * `npm run bench -- startup`: what the compiled build (`npm run build`, run first here)
 * saves over running the TypeScript through tsx. For each service, the time from spawning
 * `node` to its ready line and its resident memory after idling, compiled
 * (`node dist/apps/<name>/main.js`) and under tsx (`node --import tsx apps/<name>/src/main.ts`),
 * the two run in turn against one nats-server; then `fanout --help` to its exit, compiled
 * and through the `fanout` launcher (tsx). Medians of `BENCH_STARTUP_RUNS` runs (5), after a
 * warm-up run of each that is not counted (tsx's transform cache is then warm, as on a
 * developer's machine).
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startNats, startProcess, workspaceRoot, type ServiceProcess } from '@fanout/testing';
import { percentile, round, table } from './stats';

const RUNS = Number(process.env['BENCH_STARTUP_RUNS'] ?? 5);
/** How long a service idles after its ready line before its memory is read. */
const IDLE_MS = Number(process.env['BENCH_STARTUP_IDLE_MS'] ?? 5_000);

const SERVICES: Record<string, RegExp> = {
  orchestrator: /microservice successfully started/,
  'codebase-worker': /is taking tasks/,
  'bash-worker': /is taking tasks/,
  'web-worker': /is taking tasks/,
};

type Variant = 'compiled' | 'tsx';

function argv(variant: Variant, app: string): string[] {
  return variant === 'compiled'
    ? [join(workspaceRoot, 'dist/apps', app, 'main.js')]
    : ['--import', 'tsx', join(workspaceRoot, 'apps', app, 'src/main.ts')];
}

/** Resident memory of a live process, from the kernel. */
function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((row) => row.startsWith('VmRSS:'));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}

/** One start of a service: ms to its ready line, then MB resident after idling. */
async function startOnce(variant: Variant, app: string, natsUrl: string, n: number) {
  const started = performance.now();
  const service: ServiceProcess = startProcess(app, argv(variant, app), SERVICES[app], {
    NATS_URL: natsUrl,
    FANOUT_SUBJECT_PREFIX: `startup${n}`,
    FANOUT_ORCHESTRATOR_INSTANCE: `bench-${variant}-${n}`,
  });
  try {
    await service.ready(60_000);
    const readyMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    return { readyMs, rssMb: rssMb(service.pid!) };
  } finally {
    await service.stop('SIGTERM');
  }
}

/** One `fanout --help` to its exit, in ms. */
function helpOnce(variant: Variant): Promise<number> {
  const args =
    variant === 'compiled'
      ? [join(workspaceRoot, 'dist/apps/cli/main.js'), '--help']
      : [join(workspaceRoot, 'apps/cli/bin/fanout.mjs'), '--help'];
  const started = performance.now();
  const child = spawn(process.execPath, args, { stdio: 'ignore', cwd: workspaceRoot });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(performance.now() - started) : reject(new Error(`exit ${code}`)),
    ),
  );
}

const median = (samples: number[]) => percentile(samples, 50);

export async function run(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: workspaceRoot, stdio: 'inherit' });
  const nats = await startNats();
  const rows: (string | number)[][] = [];
  const figures: Record<string, unknown> = {};
  let n = 0;
  try {
    for (const app of Object.keys(SERVICES)) {
      const samples: Record<Variant, { readyMs: number[]; rssMb: number[] }> = {
        compiled: { readyMs: [], rssMb: [] },
        tsx: { readyMs: [], rssMb: [] },
      };
      for (let i = 0; i <= RUNS; i++) {
        // In turn, so a drift of the machine's speed touches both alike.
        for (const variant of ['compiled', 'tsx'] as const) {
          const one = await startOnce(variant, app, nats.url, n++);
          if (i === 0) continue; // the warm-up
          samples[variant].readyMs.push(one.readyMs);
          samples[variant].rssMb.push(one.rssMb);
        }
      }
      const c = samples.compiled;
      const t = samples.tsx;
      rows.push([
        app,
        round(median(c.readyMs), 0),
        round(median(t.readyMs), 0),
        round(median(c.rssMb), 1),
        round(median(t.rssMb), 1),
      ]);
      figures[app] = {
        ready_ms: { compiled: round(median(c.readyMs), 0), tsx: round(median(t.readyMs), 0) },
        idle_rss_mb: { compiled: round(median(c.rssMb), 1), tsx: round(median(t.rssMb), 1) },
        ready_ratio: round(median(c.readyMs) / median(t.readyMs)),
        rss_ratio: round(median(c.rssMb) / median(t.rssMb)),
      };
    }
  } finally {
    await nats.stop();
  }
  const help: Record<Variant, number[]> = { compiled: [], tsx: [] };
  for (let i = 0; i <= RUNS * 2; i++) {
    for (const variant of ['compiled', 'tsx'] as const) {
      const ms = await helpOnce(variant);
      if (i > 0) help[variant].push(ms);
    }
  }
  rows.push([
    'fanout --help (to exit)',
    round(median(help.compiled), 0),
    round(median(help.tsx), 0),
    '',
    '',
  ]);
  figures['cli_help_ms'] = {
    compiled: round(median(help.compiled), 0),
    tsx: round(median(help.tsx), 0),
    ratio: round(median(help.compiled) / median(help.tsx)),
  };
  console.log(
    table(
      ['service', 'ready ms compiled', 'ready ms tsx', 'idle RSS MB compiled', 'idle RSS MB tsx'],
      rows,
    ),
  );
  console.log(JSON.stringify({ bench: 'startup', runs: RUNS, idle_ms: IDLE_MS, ...figures }));
}
