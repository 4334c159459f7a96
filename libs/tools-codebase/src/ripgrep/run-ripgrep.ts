import { spawn } from 'node:child_process';
import { CodebaseError, CodebaseErrorCode } from '../errors';
import { ripgrepPath } from './ripgrep-path';

/** How rg ended. `stoppedEarly` is true when we killed it (a limit or a cancellation). */
export interface RipgrepExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stoppedEarly: boolean;
}

const NEWLINE = 0x0a;

/**
 * Whole lines of rg's output, as bytes: line i is `buffer[starts[i], ends[i])`, without
 * its line break.
 * Offsets instead of one string per line: rg's output is mostly text nobody keeps, and
 * decoding only what is kept is both faster and lighter on the heap.
 */
export interface LineBatch {
  buffer: Buffer;
  starts: number[];
  ends: number[];
}

/** Every line of a batch as a string, in order: for callers that keep every line. */
export function batchLines(batch: LineBatch): string[] {
  const lines: string[] = [];
  for (let i = 0; i < batch.starts.length; i += 1) {
    lines.push(batch.buffer.toString('utf8', batch.starts[i], batch.ends[i]));
  }
  return lines;
}

/** A running rg: its output line by line, and a way to stop it that waits until it is gone. */
export interface RipgrepRun {
  readonly pid: number | undefined;
  /** stdout in batches of whole lines (without line breaks), as rg writes them. */
  lines(): AsyncGenerator<LineBatch, void, void>;
  /**
   * Kills rg if it is still producing output, and resolves once it has exited and been
   * reaped; after rg ended its output by itself, only waits for its exit status.
   */
  stop(): Promise<RipgrepExit>;
  /** Resolves when rg has exited by itself or been stopped. */
  readonly exited: Promise<RipgrepExit>;
}

/** Enough of stderr to explain a failure; rg can print one line per unreadable file. */
const MAX_STDERR = 64 * 1024;

/**
 * Starts rg in `cwd` with stdin closed (so rg never waits on it) and the given args.
 * Output is read as a stream with back-pressure: rg pauses when we do, so memory stays
 * bounded however much it finds. Aborting `signal` kills rg at once. `rg` is the binary
 * (default: the bundled one).
 */
export function runRipgrep(
  args: string[],
  cwd: string,
  signal: AbortSignal,
  rg: string = ripgrepPath,
): RipgrepRun {
  const child = spawn(rg, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stoppedEarly = false;
  /** rg closed its output by itself: it is exiting, and killing it now would hide how. */
  let outputEnded = false;
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    if (stderr.length < MAX_STDERR) stderr += text.slice(0, MAX_STDERR - stderr.length);
  });

  const exited = new Promise<RipgrepExit>((resolve, reject) => {
    child.once('error', (error) =>
      reject(
        new CodebaseError(CodebaseErrorCode.ToolFailed, `could not run ripgrep at ${rg}`, {
          cause: error,
        }),
      ),
    );
    child.once('close', (code, exitSignal) =>
      resolve({ code, signal: exitSignal, stderr, stoppedEarly }),
    );
  });
  // A failure to spawn surfaces through `exited`; never as an unhandled rejection.
  exited.catch(() => undefined);

  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) {
      stoppedEarly = true;
      child.kill('SIGKILL');
    }
  };
  signal.addEventListener('abort', kill, { once: true });
  void exited.finally(() => signal.removeEventListener('abort', kill)).catch(() => undefined);
  if (signal.aborted) kill();

  async function* lines(): AsyncGenerator<LineBatch, void, void> {
    const chunks = child.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    let carry: Buffer[] = [];
    let finished = false;
    try {
      for (;;) {
        const next = await chunks.next();
        if (next.done) break;
        const chunk = next.value;
        let newline = chunk.indexOf(NEWLINE);
        if (newline === -1) {
          carry.push(chunk);
          continue;
        }
        // A line that began in earlier chunks is joined once, here; every other line
        // stays a pair of offsets into the chunk rg wrote.
        const batch: LineBatch = { buffer: chunk, starts: [], ends: [] };
        if (carry.length > 0) {
          const joined = Buffer.concat([...carry, chunk.subarray(0, newline)]);
          carry = [];
          yield { buffer: joined, starts: [0], ends: [joined.length] };
        } else {
          batch.starts.push(0);
          batch.ends.push(newline);
        }
        let start = newline + 1;
        while ((newline = chunk.indexOf(NEWLINE, start)) !== -1) {
          batch.starts.push(start);
          batch.ends.push(newline);
          start = newline + 1;
        }
        if (start < chunk.length) carry.push(chunk.subarray(start));
        yield batch;
      }
      finished = true;
      outputEnded = true;
      if (carry.length > 0) {
        const last = Buffer.concat(carry);
        yield { buffer: last, starts: [0], ends: [last.length] };
      }
    } finally {
      // Stopped early: kill rg before closing the pipe, or rg reports the closed pipe
      // as an error on whichever file it was printing.
      if (!finished) kill();
      child.stdout.destroy();
    }
  }

  return {
    pid: child.pid,
    lines,
    exited,
    async stop() {
      if (!outputEnded) kill();
      return exited;
    },
  };
}
