import { startTelemetry } from '@fanout/telemetry';
import { bootService, type ServiceName } from './boot-service';

/** How {@link runServices} runs. */
export interface RunOptions {
  /** The settings the services read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Called once every service is taking work (`fanout up` says so). */
  onReady?: () => void;
}

/**
 * Runs services in this process until SIGTERM or SIGINT: telemetry (traces go to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` when set; the context propagates either way), boot, then
 * on the signal a drain — running tasks finish within the grace, the rest go back to their
 * queues — and the last spans flushed, so the trace keeps its end. Resolves once all of it
 * is done; rejects if a service fails to start, after stopping the ones that did.
 */
export async function runServices(
  names: readonly ServiceName[],
  options: RunOptions = {},
): Promise<void> {
  const env = options.env ?? process.env;
  const telemetry = startTelemetry({
    serviceName: names.length === 1 ? `${names[0]}` : 'fanout',
    env,
  });
  const signalled = new Promise<NodeJS.Signals>((resolve) => {
    // `on`, not `once`: libraries that watch signals (execa's cleanup) re-raise the signal
    // when they find themselves its only listener, which would kill the drain half-way.
    process.on('SIGTERM', resolve);
    process.on('SIGINT', resolve);
  });
  const apps = [];
  try {
    for (const name of names) apps.push(await bootService(name, { env }));
    options.onReady?.();
    const signal = await signalled;
    console.error(`fanout: ${signal}, draining ${names.join(', ')}`);
  } finally {
    // Workers first, so nothing they report finds its orchestrator gone.
    for (const app of apps.reverse()) {
      await app.close().catch((error: unknown) => console.error('fanout: drain failed', error));
    }
    await telemetry.shutdown().catch(() => undefined);
  }
}

/**
 * One service process's whole life, as its container runs it ({@link runServices}), then
 * exit 0 after the drain, or 1 when it could not start.
 */
export async function runService(name: ServiceName): Promise<void> {
  try {
    await runServices([name]);
    process.exit(0);
  } catch (error) {
    console.error(`${name} failed to start`, error);
    process.exit(1);
  }
}
