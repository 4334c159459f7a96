import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuthUser } from './auth-user.ts';

/** A user's `<name>.env`: `KEY=value` lines a shell sources (`set -a; . file; set +a`). */
export function envFile(user: AuthUser, creds: string): string {
  const lines = [`# NATS settings of ${user.name}: set -a; . ${user.name}.env; set +a`];
  for (const [name, value] of Object.entries({ NATS_CREDS: creds, ...user.env })) {
    lines.push(`${name}=${shellQuote(value)}`);
  }
  return lines.join('\n') + '\n';
}

/** Plain values as they are; anything else single-quoted, as a shell reads it. */
function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:@,+=-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The variables a user's env file sets (`KEY=value` lines, values as {@link envFile}
 * quotes them): what a process of that role adds to its environment.
 */
export async function readAuthEnv(dir: string, name: string): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const line of (await readFile(join(dir, `${name}.env`), 'utf8')).split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) continue;
    const value = match[2]!;
    env[match[1]!] = value.startsWith("'") ? value.slice(1, -1).replace(/'\\''/g, "'") : value;
  }
  return env;
}
