import { existsSync } from 'node:fs';
import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/auth';

type Args = Parsed<typeof declaration.options>;

/**
 * `fanout auth init --out DIR [--prefix P]`: the server's accounts and users
 * (`DIR/nats-server.conf`) and, per role, its credentials (`DIR/<role>.creds`) and the
 * variables its process needs (`DIR/<role>.env`). Refuses a directory that already holds
 * a setup, so credentials handed out are never silently replaced.
 */
export async function run(args: Args): Promise<ExitCode> {
  const [action, extra] = args.positionals;
  if (action !== 'init' || extra !== undefined)
    throw new UsageError('usage: fanout auth init --out <dir> [--prefix <prefix>]');
  const out = args.values.out;
  if (!out) throw new UsageError('fanout auth init: --out <dir> is required (where the files go)');
  const { AUTH_CONFIG_FILE } = await import('@fanout/nats-server');
  const { join } = await import('node:path');
  if (existsSync(join(out, AUTH_CONFIG_FILE))) {
    throw new UsageError(
      `fanout auth init: ${join(out, AUTH_CONFIG_FILE)} exists; choose another --out or remove it`,
    );
  }
  const { initAuth } = await import('@fanout/services');
  const prefix = args.values.prefix ?? process.env['FANOUT_SUBJECT_PREFIX'] ?? 'fanout';
  const written = await initAuth(out, prefix);
  process.stdout.write(
    [
      `wrote ${written.config}`,
      ...Object.keys(written.creds).map(
        (role) => `  ${role}: ${written.creds[role]}, ${written.env[role]}`,
      ),
      `start the server:  nats-server -c ${written.config} -js -sd <store dir>`,
      `a client:          set -a; . ${written.env['client']}; set +a`,
      '',
    ].join('\n'),
  );
  return Exit.ok;
}
