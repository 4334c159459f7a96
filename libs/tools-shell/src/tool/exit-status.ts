import { ShellError, ShellErrorCode } from '../errors';
import type { RunResult } from '../runner/run-command';
import { signalName } from '../runner/wait-status';

/** Lines of output a failure's message quotes, and how many characters of them at most. */
const TAIL_LINES = 3;
const TAIL_CHARS = 400;
/** How much of the command a failure's message quotes. */
const COMMAND_CHARS = 120;

/**
 * What the end of a run means for its task: undefined when it exited with one of
 * `okExitCodes`; otherwise the error that fails the task — `TIMEOUT` when the call's own
 * timeout ended it, `OUT_OF_MEMORY` when the OOM killer killed a process of it at its
 * family's memory limit (`memoryLimitBytes`, named in the message), `EXIT_NONZERO` for
 * any other exit code or a signal. The error's
 * details hold the whole result (output as captured, exit code, signal), so a reader has
 * what a success would have returned; its message names the command, how it ended and
 * the last lines it wrote to stderr.
 */
export function exitFailure(
  command: string,
  run: RunResult,
  okExitCodes: readonly number[],
  timeoutMs: number,
  memoryLimitBytes?: number,
): ShellError | undefined {
  const { timedOut, outOfMemory, ...result } = run;
  if (!timedOut && result.exitCode !== null && okExitCodes.includes(result.exitCode)) {
    return undefined;
  }
  const limit =
    memoryLimitBytes === undefined ? '' : ` (${Math.round(memoryLimitBytes / 1024 ** 2)} MiB)`;
  const how = timedOut
    ? `timed out after ${timeoutMs} ms (${ending(run)})`
    : outOfMemory
      ? `was killed by the kernel's OOM killer: its family's commands went over their memory share${limit} (${ending(run)})`
      : ending(run);
  const code = timedOut
    ? ShellErrorCode.Timeout
    : outOfMemory
      ? ShellErrorCode.OutOfMemory
      : ShellErrorCode.ExitNonZero;
  const message = `\`${quoted(command)}\` ${how}; ${lastWords(run)}`;
  return new ShellError(code, message, { details: { ...result } });
}

function ending({ exitCode, signal }: RunResult): string {
  if (exitCode === null) return `killed by ${signal ?? 'a signal'}`;
  // A shell reports a child's death by signal N as exit code 128 + N.
  const byShell = exitCode > 128 ? signalName(exitCode - 128) : null;
  return `exited with code ${exitCode}${byShell ? ` = 128 + ${byShell}` : ''}`;
}

/** The last lines of stderr (of stdout when stderr is empty), on one line. */
function lastWords({ stderr, stdout, truncated }: RunResult): string {
  const errors = tail(stderr);
  const output = tail(stdout);
  const said = errors
    ? `stderr ends: ${errors}`
    : output
      ? `stderr is empty, stdout ends: ${output}`
      : 'stderr and stdout are empty';
  // The cap keeps the first bytes, so after a cut the lines quoted are not the last.
  return truncated ? `${said} (output cut at the cap)` : said;
}

function tail(text: string): string | undefined {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (lines.length === 0) return undefined;
  const joined = lines.slice(-TAIL_LINES).join(' ⏎ ');
  return joined.length > TAIL_CHARS ? `…${joined.slice(-TAIL_CHARS)}` : joined;
}

/** The command's first line, shortened: messages go into summaries and logs. */
function quoted(command: string): string {
  const [first = ''] = command.split('\n');
  return first.length > COMMAND_CHARS || first !== command
    ? `${first.slice(0, COMMAND_CHARS)}…`
    : first;
}
