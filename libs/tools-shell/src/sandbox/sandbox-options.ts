import { ShellError, ShellErrorCode } from '../errors';

/**
 * How hard to insist on the sandbox. `auto`: bubblewrap when it works here, else the
 * weaker process-group mode with one warning. `required`: refuse to run without it.
 * `off`: the weaker mode, chosen on purpose (no warning).
 */
export type SandboxMode = 'auto' | 'required' | 'off';

/** The operator's knob: `FANOUT_SANDBOX=auto|required|off`. */
export const SANDBOX_ENV = 'FANOUT_SANDBOX';

export function sandboxModeFromEnv(env: NodeJS.ProcessEnv = process.env): SandboxMode {
  const value = env[SANDBOX_ENV];
  if (value === undefined || value === '') return 'auto';
  if (value === 'auto' || value === 'required' || value === 'off') return value;
  throw new ShellError(
    ShellErrorCode.InvalidInput,
    `${SANDBOX_ENV}=${JSON.stringify(value)} is not a sandbox mode; use auto, required or off`,
  );
}

/** Variables of the worker's own environment a command may see; everything else stays out. */
export const ENV_ALLOWLIST = ['PATH', 'HOME', 'LANG', 'TERM'] as const;

/**
 * Places hidden inside the sandbox even though the root is readable: credentials and
 * host keys. The caller's home is hidden too (an empty tmpfs stands in for it), so
 * `~/.ssh`, `~/.aws`, `~/.npmrc` of the worker's user are not there to read.
 */
export const MASKED_PATHS = [
  '/root',
  '/etc/ssh',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/sudoers',
  '/etc/sudoers.d',
] as const;
