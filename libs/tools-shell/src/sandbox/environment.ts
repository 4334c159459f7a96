import { ENV_ALLOWLIST } from './sandbox-options';

/**
 * The environment a command gets: the allow-listed variables of the worker's own, then
 * the call's. The worker's secrets (NATS credentials, tokens) are in its environment, so
 * nothing else of it is passed — in either sandbox mode.
 */
export function commandEnv(
  callEnv: Record<string, string>,
  workerEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ENV_ALLOWLIST) {
    const value = workerEnv[name];
    if (value !== undefined) env[name] = value;
  }
  env['PATH'] ??= '/usr/local/bin:/usr/bin:/bin';
  return { ...env, ...callEnv };
}
