import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** One way of running N copies of a command 16 at a time, timed as a whole. */
export interface Path {
  name: string;
  /** Why it is not measured, when it cannot be. */
  absent?: string;
  run(count: number): Promise<void>;
}

function which(program: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '/usr/bin:/bin').split(':')) {
    const path = `${dir}/${program}`;
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** Feeds `lines` to a program's stdin and waits for it to exit 0. */
function feed([file = '', ...args]: string[], lines: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited ${code}`)),
    );
    child.stdin.end(lines);
  });
}

/** `xargs -P16`: each input line's command exec'd directly, no shell (as fanout runs a plain `true`). */
export function xargsExec(slots: number, command: string): Path {
  const xargs = which('xargs') ?? 'xargs';
  return {
    name: `xargs -P${slots} (exec)`,
    absent: which('xargs') ? undefined : 'xargs is not installed',
    // One empty line per run: `-L1` runs the command once per line, with no arguments added.
    run: (count) =>
      feed([xargs, `-P${slots}`, '-L1', '-d', '\n', ...command.split(' ')], '\n'.repeat(count)),
  };
}

/** `xargs -P16 bash -c`: each line run through a shell, as GNU parallel and `bash.exec` of a compound line do. */
export function xargsShell(slots: number, command: string): Path {
  const xargs = which('xargs') ?? 'xargs';
  return {
    name: `xargs -P${slots} (bash -c)`,
    absent: which('xargs') ? undefined : 'xargs is not installed',
    run: (count) =>
      feed(
        [xargs, `-P${slots}`, '-n1', '-d', '\n', '/bin/bash', '-c'],
        `${command}\n`.repeat(count),
      ),
  };
}

/** GNU parallel: each input line is a command line. */
export function gnuParallel(slots: number, command: string): Path {
  const parallel = which('parallel') ?? 'parallel';
  return {
    name: `parallel -j${slots}`,
    absent: which('parallel') ? undefined : 'GNU parallel is not installed',
    run: (count) => feed([parallel, `-j${slots}`, '--will-cite'], `${command}\n`.repeat(count)),
  };
}

/** A bare `child_process.spawn` loop, 16 in flight: what Node itself costs, for scale. */
export function spawnLoop(slots: number, command: string): Path {
  return {
    name: `node spawn loop (${slots})`,
    run: async (count) => {
      let next = 0;
      const one = () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(command, [], { stdio: ['ignore', 'pipe', 'pipe'] });
          child.stdout.resume();
          child.stderr.resume();
          child.on('error', reject);
          child.on('close', () => resolve());
        });
      await Promise.all(
        Array.from({ length: slots }, async () => {
          while (next < count) {
            next += 1;
            await one();
          }
        }),
      );
    },
  };
}
