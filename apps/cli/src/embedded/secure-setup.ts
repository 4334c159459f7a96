import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A `fanout auth init` setup a command runs its own nats-server and services with. */
export interface SecureSetup {
  /** The server's accounts and users, for `startLocalNats({ include })`. */
  config: string;
  /** The variables a role's process adds to its environment (its credentials). */
  env(role: string): Promise<Record<string, string>>;
  /** Deletes the setup when it was a temporary one. */
  remove(): Promise<void>;
}

/**
 * The setup in `dir`, written there first when it holds none (and kept: `fanout up
 * --secure`, `fanout dev`); without `dir`, a new one in a temp dir that `remove()` deletes
 * (the embedded mode of one command).
 */
export async function secureSetup(prefix: string, dir?: string): Promise<SecureSetup> {
  const [{ AUTH_CONFIG_FILE, readAuthEnv }, { initAuth }] = await Promise.all([
    import('@fanout/nats-server'),
    import('@fanout/services'),
  ]);
  const where = dir ?? (await mkdtemp(join(tmpdir(), 'fanout-auth-')));
  const config = join(where, AUTH_CONFIG_FILE);
  if (!existsSync(config)) await initAuth(where, prefix);
  return {
    config,
    env: (role) => readAuthEnv(where, role),
    remove: async () => {
      if (!dir) await rm(where, { recursive: true, force: true });
    },
  };
}
