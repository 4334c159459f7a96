import { CodebaseError, CodebaseErrorCode } from '../errors';
import type { RipgrepExit } from './run-ripgrep';

/** stderr that means the caller's pattern or glob was wrong, not the tree or the tool. */
const INPUT_ERROR =
  /regex parse error|error parsing glob|regex could not be compiled|is not allowed in a regex/i;

/** At most this many warnings are kept: one unreadable directory can mean thousands. */
const MAX_WARNINGS = 100;

/**
 * Reads how rg ended. Exit 0 (found) and 1 (found nothing) are success; exit 2 means
 * something went wrong: a bad pattern is `INVALID_INPUT` with rg's own message, and
 * errors on some files (unreadable, vanished) while others were searched make a partial
 * result whose warnings are returned. Anything else is `TOOL_FAILED`.
 */
export function interpretExit(exit: RipgrepExit, what: string, producedOutput: boolean): string[] {
  const stderr = exit.stderr.trim();
  const warnings = stderr
    ? stderr
        .split('\n')
        .filter((line) => line.trim())
        .slice(0, MAX_WARNINGS)
    : [];
  if (exit.stoppedEarly || exit.code === 0 || exit.code === 1) return warnings;
  if (exit.code === 2 && INPUT_ERROR.test(stderr)) {
    throw new CodebaseError(CodebaseErrorCode.InvalidInput, `${what}: ${stderr}`);
  }
  if (exit.code === 2 && producedOutput) return warnings;
  const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
  throw new CodebaseError(
    CodebaseErrorCode.ToolFailed,
    `${what}: ripgrep ${how}${stderr ? `: ${stderr}` : ''}`,
  );
}
