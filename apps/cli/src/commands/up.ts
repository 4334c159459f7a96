import type { Args } from '../cli';
import { Exit, UsageError, type ExitCode } from '../exit-codes';

/**
 * `fanout up [--only orchestrator,codebase-worker,…]`: runs services in the foreground
 * against `--nats` (else `NATS_URL`), all of them unless `--only` names some — what a
 * container runs. SIGTERM or SIGINT drains them (running tasks finish within the grace,
 * the rest go back to their queues) and exits 0.
 */
export default async function up(args: Args): Promise<ExitCode> {
  const [{ bootService, isServiceName, SERVICE_NAMES }, { probeNats }] = await Promise.all([
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
  const { startTelemetry } = await import('@fanout/telemetry');
  const telemetry = startTelemetry({ serviceName: names.length === 1 ? `${names[0]}` : 'fanout' });
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    // `on`, not `once`: execa's cleanup re-raises a signal it thinks nobody else handles.
    process.on('SIGTERM', resolve);
    process.on('SIGINT', resolve);
  });
  const apps = [];
  try {
    for (const name of names) apps.push(await bootService(name, { env }));
    process.stderr.write(`fanout: up: ${names.join(', ')} on ${servers.join(',')}\n`);
    const signal = await stopped;
    process.stderr.write(`fanout: ${signal}, draining ${names.join(', ')}\n`);
  } finally {
    // Workers first, so nothing they report finds its orchestrator gone.
    for (const app of apps.reverse()) await app.close();
    await telemetry.shutdown().catch(() => undefined);
  }
  return Exit.ok;
}
