import type { INestApplicationContext } from '@nestjs/common';
import { join } from 'node:path';
import type { ServiceName } from '@fanout/services';
import { secureSetup } from './secure-setup';

/** A whole Fanout inside this process: its own nats-server and every service. */
export interface EmbeddedFanout {
  /** The private server's URL, for the client that submits to it. */
  readonly natsUrl: string;
  /**
   * With `secure`: the variables a client (the CLI's own) or a gateway (its dashboard) of
   * this Fanout connects with, its role's credentials; empty otherwise.
   */
  readonly envOf: Record<'client' | 'gateway', Record<string, string>>;
  /** The dashboard's URL, when it was asked for (`gateway`). */
  readonly uiUrl?: string;
  /** Drains the services, then stops the server and deletes its store (unless `natsDir`). */
  stop(): Promise<void>;
}

/**
 * Starts an embedded Fanout for `fanout run` without a NATS URL: a nats-server of its own
 * (from PATH or /usr/sbin, a free loopback port, a temp store) and the orchestrator and
 * every worker booted in this process, exactly as their containers boot them. The server
 * dies with this process however it ends, so nothing is left behind. `natsDir`: a store
 * that outlives the process instead (`fanout dev`'s, under its home). `gateway`: serve the
 * dashboard too (`FANOUT_UI_PORT`). `secure`: the server takes only the credentials of a
 * new `fanout auth init` setup (under `natsDir`, kept, else a temp dir), and each service
 * and the client connect as their own role.
 */
export async function startEmbeddedFanout(
  prefix: string,
  { natsDir, gateway, secure }: { natsDir?: string; gateway?: boolean; secure?: boolean } = {},
): Promise<EmbeddedFanout> {
  const [{ startLocalNats }, services, { startTelemetry }] = await Promise.all([
    import('@fanout/nats-server'),
    import('@fanout/services'),
    import('@fanout/telemetry'),
  ]);
  // Traces go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set, as the services' own would.
  const telemetry = startTelemetry({ serviceName: 'fanout' });
  const auth = secure ? await secureSetup(prefix, natsDir && join(natsDir, 'auth')) : undefined;
  const nats = await startLocalNats({
    ...(natsDir ? { dir: natsDir } : {}),
    ...(auth ? { include: auth.config } : {}),
  }).catch(async (error: unknown) => {
    await auth?.remove();
    await telemetry.shutdown();
    throw error;
  });
  const base = { ...process.env, NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: prefix };
  const roleEnv = async (role: string) => ({ ...base, ...(await auth?.env(role)) });
  // Stdout belongs to the command (`--json` prints one document there); services speak on stderr.
  const logger = new services.StderrLogger(['error', 'warn']);
  const boot = async (name: ServiceName) =>
    services.bootService(name, { env: await roleEnv(name), logger });
  const apps: INestApplicationContext[] = [];
  const stop = async () => {
    await Promise.allSettled(apps.map((app) => app.close()));
    await nats.stop();
    await auth?.remove();
    await telemetry.shutdown().catch(() => undefined);
  };
  let uiUrl: string | undefined;
  try {
    // The orchestrator first: its start creates the streams, which the workers then find.
    apps.push(await boot('orchestrator'));
    const workers = services.SERVICE_NAMES.filter(
      (name) => name !== 'orchestrator' && name !== 'gateway',
    );
    const booted = await Promise.allSettled(workers.map(boot));
    for (const result of booted) if (result.status === 'fulfilled') apps.push(result.value);
    const failed = booted.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (gateway) {
      const app = await boot('gateway');
      apps.push(app);
      uiUrl = app.get(services.Gateway).url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const envOf = {
    client: auth ? await auth.env('client') : {},
    gateway: auth ? await auth.env('gateway') : {},
  };
  return { natsUrl: nats.url, envOf, ...(uiUrl ? { uiUrl } : {}), stop };
}
