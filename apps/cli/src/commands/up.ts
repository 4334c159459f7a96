import type { ServiceName } from '@fanout/services';
import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/up';
import { noArgument } from './common';

/**
 * `fanout up [--only orchestrator,codebase-worker,…]`: runs services in the foreground
 * against `--nats` (else `NATS_URL`), all of them unless `--only` names some — what a
 * container runs. SIGTERM or SIGINT drains them (running tasks finish within the grace,
 * the rest go back to their queues) and exits 0.
 */

export async function run(args: Parsed<typeof declaration.options>): Promise<ExitCode> {
  noArgument(args);
  const [{ isServiceName, runServices, SERVICE_NAMES }, { probeNats }] = await Promise.all([
    import('@fanout/services'),
    import('@fanout/client'),
  ]);
  const { only, nats, prefix } = args.values;
  const asked = only?.split(',').map((name) => name.trim()) ?? SERVICE_NAMES;
  const names = asked.filter(isServiceName);
  if (names.length !== asked.length || names.length === 0) {
    throw new UsageError(
      `--only takes service names from ${SERVICE_NAMES.join(', ')}; got "${only}"`,
    );
  }
  const env = {
    ...process.env,
    ...(nats ? { NATS_URL: nats } : {}),
    ...(prefix ? { FANOUT_SUBJECT_PREFIX: prefix } : {}),
  };
  if (args.values.secure) return upSecured(args, names, env);
  if (args.values.out) throw new UsageError('--out goes with --secure');
  const servers = (env['NATS_URL'] ?? 'nats://127.0.0.1:4222').split(',');
  await probeNats(servers, 3_000);
  await runServices(names, {
    env,
    onReady: () =>
      process.stderr.write(`fanout: up: ${names.join(', ')} on ${servers.join(',')}\n`),
  });
  return Exit.ok;
}

/**
 * `fanout up --secure`: a nats-server of its own that takes only the credentials of a
 * `fanout auth init` setup (in `--out`, else `$FANOUT_HOME/secure`; made there the first
 * time, kept with the server's store), and each service on its own role's credentials.
 * Clients connect with the setup's `client.env` and the URL it prints.
 */
async function upSecured(
  args: Parsed<typeof declaration.options>,
  names: ServiceName[],
  env: NodeJS.ProcessEnv,
): Promise<ExitCode> {
  if (args.values.nats || process.env['NATS_URL']) {
    throw new UsageError(
      "fanout up --secure starts its own nats-server; to run services against a secured server, give each process its role's env file from fanout auth init",
    );
  }
  const [{ join }, { devHome }, { secureSetup }, { startLocalNats }, { runServices }] =
    await Promise.all([
      import('node:path'),
      import('../dev/dev-home'),
      import('../embedded/secure-setup'),
      import('@fanout/nats-server'),
      import('@fanout/services'),
    ]);
  const dir = args.values.out ?? join(devHome(), 'secure');
  const prefix = env['FANOUT_SUBJECT_PREFIX'] ?? 'fanout';
  const auth = await secureSetup(prefix, join(dir, 'auth'));
  const nats = await startLocalNats({ dir: join(dir, 'nats'), include: auth.config });
  try {
    const own = new Map<ServiceName, NodeJS.ProcessEnv>();
    for (const name of names) {
      own.set(name, { ...env, ...(await auth.env(name)), NATS_URL: nats.url });
    }
    await runServices(names, {
      env: { ...env, NATS_URL: nats.url },
      envOf: (name) => own.get(name)!,
      onReady: () =>
        process.stderr.write(
          `fanout: up (secured): ${names.join(', ')} on ${nats.url}\n` +
            `fanout: a client: set -a; . ${join(dir, 'auth', 'client.env')}; set +a; export NATS_URL=${nats.url}\n`,
        ),
    });
  } finally {
    await nats.stop();
  }
  return Exit.ok;
}
