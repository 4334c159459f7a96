/**
 * How hard to insist on the sandbox. `auto`: bubblewrap when it works here, else the
 * weaker process-group mode with one warning. `required`: refuse to run without it.
 * `off`: the weaker mode, chosen on purpose (no warning).
 */
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** The operator's knob: `FANOUT_SANDBOX=auto|required|off`. */
export const SANDBOX_ENV = 'FANOUT_SANDBOX';

export const SANDBOX_MODES = ['auto', 'required', 'off'] as const;

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
