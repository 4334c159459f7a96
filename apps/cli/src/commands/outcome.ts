import type { OutcomeStatus } from '@fanout/contracts';
import { Exit, type ExitCode } from '../exit-codes';

/** Exit code of a finished workflow: degraded passes unless `--strict`. */
export function exitFor(status: OutcomeStatus, strict = false): ExitCode {
  if (status === 'succeeded') return Exit.ok;
  if (status === 'degraded' && !strict) return Exit.ok;
  return Exit.failed;
}
