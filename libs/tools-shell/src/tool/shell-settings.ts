import { z } from 'zod';
import { ShellError, ShellErrorCode } from '../errors';
import { SANDBOX_ENV, SANDBOX_MODES } from '../sandbox/sandbox-options';
import type { BashExecOptions } from './bash-exec-options';

/** What an operator sets for `bash.exec`, with its defaults. */
const ShellSettings = z.object({
  sandbox: z.enum(SANDBOX_MODES).default('auto'),
});

/**
 * The part of `bash.exec`'s options a worker reads from its environment, in one place:
 * `FANOUT_SANDBOX` (auto, required or off; default auto), and the environment itself as
 * the source of the variables a command may see (`PATH`, `HOME`, `LANG`, `TERM`).
 */
export function shellSettingsFromEnv(
  env: NodeJS.ProcessEnv,
): Required<Pick<BashExecOptions, 'sandbox' | 'env'>> {
  const value = env[SANDBOX_ENV] || undefined;
  const parsed = ShellSettings.safeParse({ sandbox: value });
  if (!parsed.success) {
    throw new ShellError(
      ShellErrorCode.InvalidInput,
      `${SANDBOX_ENV}=${JSON.stringify(value)} is not a sandbox mode; use ${SANDBOX_MODES.join(', ')}`,
    );
  }
  return { sandbox: parsed.data.sandbox, env };
}
