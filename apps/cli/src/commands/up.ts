import type { Args } from '../cli';
import { Exit, UsageError, type ExitCode } from '../exit-codes';

/**
 * `fanout up [--only orchestrator,codebase-worker,…]`: runs services in the foreground
 * against `--nats` (else `NATS_URL`), all of them unless `--only` names some — what a
 * container runs. SIGTERM or SIGINT drains them (running tasks finish within the grace,
 * the rest go back to their queues) and exits 0.
 */
export default async function up(args: Args): Promise<ExitCode> {
  const [{ isServiceName, runServices, SERVICE_NAMES }, { probeNats }] = await Promise.all([
    import('@fanout/services'),
    import('@fanout/client'),
  ]);
  const asked = args.values.only?.split(',').map((name) => name.trim()) ?? SERVICE_NAMES;
  const names = asked.filter(isServiceName);
  if (names.length !== asked.length || names.length === 0) {
    throw new UsageError(
      `--only takes service names from ${SERVICE_NAMES.join(', ')}; got "${args.values.only}"`,
    );
  }
  const env = {
    ...process.env,
    ...(args.values.nats ? { NATS_URL: args.values.nats } : {}),
    ...(args.values.prefix ? { FANOUT_SUBJECT_PREFIX: args.values.prefix } : {}),
  };
  const servers = (env['NATS_URL'] ?? 'nats://127.0.0.1:4222').split(',');
  await probeNats(servers, 3_000);
  await runServices(names, {
    env,
    onReady: () =>
      process.stderr.write(`fanout: up: ${names.join(', ')} on ${servers.join(',')}\n`),
  });
  return Exit.ok;
}
