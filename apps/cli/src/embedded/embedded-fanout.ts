import type { INestApplicationContext } from '@nestjs/common';

/** A whole Fanout inside this process: its own nats-server and every service. */
export interface EmbeddedFanout {
  /** The private server's URL, for the client that submits to it. */
  readonly natsUrl: string;
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
 * dashboard too (`FANOUT_UI_PORT`).
 */
export async function startEmbeddedFanout(
  prefix: string,
  { natsDir, gateway }: { natsDir?: string; gateway?: boolean } = {},
): Promise<EmbeddedFanout> {
  const [{ startLocalNats }, services, { startTelemetry }] = await Promise.all([
    import('@fanout/nats-server'),
    import('@fanout/services'),
    import('@fanout/telemetry'),
  ]);
  // Traces go to OTEL_EXPORTER_OTLP_ENDPOINT when it is set, as the services' own would.
  const telemetry = startTelemetry({ serviceName: 'fanout' });
  const nats = await startLocalNats(natsDir ? { dir: natsDir } : {}).catch(
    async (error: unknown) => {
      await telemetry.shutdown();
      throw error;
    },
  );
  const env = { ...process.env, NATS_URL: nats.url, FANOUT_SUBJECT_PREFIX: prefix };
  // Stdout belongs to the command (`--json` prints one document there); services speak on stderr.
  const boot = { env, logger: new services.StderrLogger(['error', 'warn']) };
  const apps: INestApplicationContext[] = [];
  const stop = async () => {
    await Promise.allSettled(apps.map((app) => app.close()));
    await nats.stop();
    await telemetry.shutdown().catch(() => undefined);
  };
  let uiUrl: string | undefined;
  try {
    // The orchestrator first: its start creates the streams, which the workers then find.
    apps.push(await services.bootService('orchestrator', boot));
    const workers = services.SERVICE_NAMES.filter(
      (name) => name !== 'orchestrator' && name !== 'gateway',
    );
    const booted = await Promise.allSettled(
      workers.map((name) => services.bootService(name, boot)),
    );
    for (const result of booted) if (result.status === 'fulfilled') apps.push(result.value);
    const failed = booted.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    if (gateway) {
      const app = await services.bootService('gateway', boot);
      apps.push(app);
      uiUrl = app.get(services.Gateway).url;
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { natsUrl: nats.url, ...(uiUrl ? { uiUrl } : {}), stop };
}
