/**
 * code.grep and code.glob on a real, large tree — the installed `node_modules` — side by
 * side with the tools they must keep up with: `rg` (the same binary code.grep drives,
 * printing plain lines) and `fd` (`find` where fd is absent). Each tool function is timed
 * directly, several runs interleaved with the reference so both see the same machine,
 * median kept. Prints a table, then (last line) one JSON object with the figures and the
 * ratios the floors are set on: grep <= 2x rg with identical (path, line) sets, glob <= 3x
 * fd, peak RSS <= 300 MB.
 *
 * `npm run bench -- codebase`, or standalone: `npx tsx test/bench/codebase.bench.ts`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ToolInputOf, ToolParamsOf } from '@fanout/contracts';
import { TOOLS } from '@fanout/contracts';
import { glob, grep, ripgrepPath } from '@fanout/tools-codebase';
import { percentile, round, table } from './stats';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../node_modules');
const RUNS = 5;
const FLOORS = { grep_vs_rg: 2, glob_vs_fd: 3, peak_rss_mb: 300 };
/** The walk code.grep and code.glob do by default, as rg flags (see walk-flags.ts). */
const WALK = ['--no-config', '--no-ignore-parent', '--no-ignore-global', '--no-require-git'];

/** A single-pattern search, as rg's own command line can say it too. */
type GrepCase = Omit<ToolInputOf<'code.grep'>, 'root' | 'patterns'> & { pattern: string };
/** From rare to very common: the last one streams well over 100,000 matches. */
const GREP_CASES: GrepCase[] = [
  { pattern: 'createRequire', literal: true },
  { pattern: 'deprecated', caseSensitive: false },
  { pattern: String.raw`export\s+(async\s+)?function\s+\w+` },
  { pattern: 'TODO|FIXME' },
  { pattern: 'function' },
];

/**
 * A full collection before every timed run, as benchmark harnesses do: each run starts
 * from the same heap, and peak RSS is what one call needs, not the garbage of the last 30.
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const ctx = {
  signal: new AbortController().signal,
  workflowId: 'bench',
  taskId: 'bench/codebase',
  attempt: 1,
};

function grepParams(input: GrepCase): ToolParamsOf<'code.grep'> {
  return TOOLS['code.grep'].input.parse({ root: ROOT, ...input }) as ToolParamsOf<'code.grep'>;
}

/** rg's own command line for a case: same walk, same filters, plain `path\0line:text` output. */
function rgArgs(input: GrepCase): string[] {
  const args = [...WALK, '--line-number', '--no-heading', '--with-filename', '--null'];
  args.push(input.caseSensitive === false ? '-i' : input.caseSensitive === 'smart' ? '-S' : '-s');
  if (input.literal) args.push('-F');
  return [...args, '-e', input.pattern];
}

/** Runs a command in ROOT, hands each output line to `onLine`, resolves with the wall time. */
function timeCommand(
  command: string,
  args: string[],
  onLine?: (line: string) => void,
): Promise<number> {
  collect();
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let carry = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!onLine) return;
      const lines = (carry + chunk).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.once('error', fail);
    child.once('close', () => {
      if (onLine && carry) onLine(carry);
      done(performance.now() - started);
    });
  });
}

async function timeGrep(
  input: GrepCase,
  keep?: Set<string>,
): Promise<{ ms: number; matches: number }> {
  collect();
  const started = performance.now();
  const search = grep(grepParams(input), ctx);
  let matches = 0;
  for (;;) {
    const step = await search.next();
    if (step.done) break;
    matches += 1;
    keep?.add(`${step.value.path}:${step.value.line}`);
  }
  return { ms: performance.now() - started, matches };
}

async function timeGlob(keep?: Set<string>): Promise<number> {
  collect();
  const started = performance.now();
  const params = TOOLS['code.glob'].input.parse({ root: ROOT }) as ToolParamsOf<'code.glob'>;
  const listing = glob(params, ctx);
  for (;;) {
    const step = await listing.next();
    if (step.done) break;
    keep?.add(step.value);
  }
  return performance.now() - started;
}

/** fd's equivalent of code.glob's default walk; `find` (which ignores nothing) without fd. */
function finder(): { name: string; command: string; args: string[] } {
  for (const name of ['fdfind', 'fd']) {
    if (spawnSync(name, ['--version']).status === 0) {
      return { name, command: name, args: ['--type', 'f', '--no-ignore-parent'] };
    }
  }
  return {
    name: 'find (fd absent)',
    command: 'find',
    args: ['.', '-type', 'f', '-not', '-path', '*/.*'],
  };
}

function treeSize(): { mb: number; files: number } {
  const du = spawnSync('du', ['-sm', ROOT], { encoding: 'utf8' });
  const files = spawnSync('find', [ROOT, '-type', 'f'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return {
    mb: Number(du.stdout.split('\t')[0]),
    files: files.stdout.split('\n').filter(Boolean).length,
  };
}

/**
 * Peak RSS of ONE tool call, each in a fresh process (this file, with `--probe`): a
 * process's peak never comes down, so in-process it would also count every earlier run's
 * heap growth and allocator fragmentation, which is the benchmark's doing, not the tool's.
 */
function probeRss(tool: 'grep' | 'glob', index: number): number {
  const script = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, script, '--probe', tool, String(index)];
  const child = spawnSync(process.execPath, args, { encoding: 'utf8' });
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('{')) {
    throw new Error(`rss probe ${tool} ${index} failed: ${child.stderr || child.stdout}`);
  }
  return (JSON.parse(last) as { rssMb: number }).rssMb;
}

/** The probe's side: one call of one tool, then its peak RSS as JSON. */
async function probe(tool: string, index: number): Promise<void> {
  const input = GREP_CASES[index];
  if (tool === 'grep' && input) await timeGrep(input);
  else await timeGlob();
  console.log(JSON.stringify({ rssMb: round(process.resourceUsage().maxRSS / 1024, 0) }));
}

const median = (samples: number[]) => percentile(samples, 50);
const sameSet = (a: Set<string>, b: Set<string>) =>
  a.size === b.size && [...a].every((x) => b.has(x));

export async function run(): Promise<void> {
  if (!existsSync(ROOT)) throw new Error(`no tree to search: ${ROOT} does not exist`);
  const size = treeSize();
  const fd = finder();
  console.log(
    `tree: ${ROOT}: ${size.mb} MB, ${size.files} files; rg: ${ripgrepPath}; finder: ${fd.name}`,
  );

  // Timing: the tool functions and the references, interleaved, on a warm cache.
  await timeGrep({ pattern: 'warm-up', literal: true });
  const timings: { grepMs: number; rgMs: number; matches: number }[] = [];
  for (const input of GREP_CASES) {
    const grepMs: number[] = [];
    const rgMs: number[] = [];
    let matches = 0;
    for (let i = 0; i < RUNS; i += 1) {
      const timed = await timeGrep(input);
      grepMs.push(timed.ms);
      matches = timed.matches;
      rgMs.push(await timeCommand(ripgrepPath, rgArgs(input)));
    }
    timings.push({ grepMs: median(grepMs), rgMs: median(rgMs), matches });
  }
  const globMs: number[] = [];
  const fdMs: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    globMs.push(await timeGlob());
    fdMs.push(await timeCommand(fd.command, fd.args));
  }
  const inProcessRssMb = round(process.resourceUsage().maxRSS / 1024, 0);
  const peakRssMb = Math.max(
    ...GREP_CASES.map((_, index) => probeRss('grep', index)),
    probeRss('glob', 0),
  );

  // Identity: the (path, line) set of code.grep and of rg, per case; the files of
  // code.glob and of fd.
  const rows: (string | number)[][] = [];
  let identical = true;
  for (const [index, timing] of timings.entries()) {
    const input = GREP_CASES[index] ?? { pattern: '' };
    const ours = new Set<string>();
    const theirs = new Set<string>();
    await timeGrep(input, ours);
    await timeCommand(ripgrepPath, rgArgs(input), (line) => {
      const nul = line.indexOf('\0');
      theirs.add(`${line.slice(0, nul)}:${line.slice(nul + 1, line.indexOf(':', nul))}`);
    });
    const same = sameSet(ours, theirs);
    identical &&= same;
    rows.push([
      `grep /${input.pattern}/${input.caseSensitive === false ? 'i' : ''}${input.literal ? ' (literal)' : ''}`,
      timing.matches,
      round(timing.grepMs, 0),
      round(timing.rgMs, 0),
      round(timing.grepMs / timing.rgMs, 2),
      same ? 'yes' : 'NO',
    ]);
  }
  const ourFiles = new Set<string>();
  const fdFiles = new Set<string>();
  await timeGlob(ourFiles);
  await timeCommand(fd.command, fd.args, (line) => fdFiles.add(line.replace(/^\.\//, '')));
  const globMedian = median(globMs);
  const fdMedian = median(fdMs);
  const grepTotal = timings.reduce((sum, timing) => sum + timing.grepMs, 0);
  const rgTotal = timings.reduce((sum, timing) => sum + timing.rgMs, 0);
  rows.push([
    'glob **/* (gitignore)',
    ourFiles.size,
    round(globMedian, 0),
    round(fdMedian, 0),
    round(globMedian / fdMedian, 2),
    sameSet(ourFiles, fdFiles) ? 'yes' : `NO (${fd.name}: ${fdFiles.size})`,
  ]);
  rows.push([
    'grep, all cases',
    '',
    round(grepTotal, 0),
    round(rgTotal, 0),
    round(grepTotal / rgTotal, 2),
    identical ? 'yes' : 'NO',
  ]);

  console.log(table(['case', 'results', 'ours ms', 'ref ms', 'ratio', 'same set'], rows));
  console.log(
    `runs: ${RUNS} per tool, median; ref = rg (grep) / ${fd.name} (glob); ` +
      `floors: grep_vs_rg <= ${FLOORS.grep_vs_rg}, glob_vs_fd <= ${FLOORS.glob_vs_fd}, ` +
      `peak RSS <= ${FLOORS.peak_rss_mb} MB (one call per fresh process, worst case: ${peakRssMb} MB; ` +
      `this process after all timed runs: ${inProcessRssMb} MB)`,
  );
  console.log(
    JSON.stringify({
      bench: 'codebase',
      figures: {
        identical,
        peak_rss_mb: peakRssMb,
        grep_ms: round(grepTotal, 1),
        rg_ms: round(rgTotal, 1),
        glob_ms: round(globMedian, 1),
        fd_ms: round(fdMedian, 1),
      },
      ratios: { grep_vs_rg: round(grepTotal / rgTotal), glob_vs_fd: round(globMedian / fdMedian) },
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const at = process.argv.indexOf('--probe');
  if (at === -1) await run();
  else await probe(process.argv[at + 1] ?? '', Number(process.argv[at + 2]));
}
