import { NATS_CONNECTION } from '@fanout/messaging';
import { FanoutMetrics, startTelemetry } from '@fanout/telemetry';
import type { INestApplicationContext } from '@nestjs/common';
import { bootService, type ServiceName } from './boot-service';
import { healthOptionsFromEnv, HealthServer } from './health-server';
import { TraceLogger } from './trace-logger';

/** How {@link runServices} runs. */
export interface RunOptions {
  /** The settings the services read. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /**
   * One service's settings when they differ from `env` (each on its own role's
   * credentials: `fanout up --secure`). Default: `env` for every service.
   */
  envOf?: (name: ServiceName) => NodeJS.ProcessEnv;
  /** Called once every service is taking work (`fanout up` says so). */
  onReady?: () => void;
  /**
   * How the services log: `console` (Nest's readable lines, as `fanout up` shows them) or
   * `json` (one JSON object a line, with the trace id of the work it is about, as a service
   * process in a container logs). Default: `FANOUT_LOG_FORMAT`, else `console`.
   */
  logs?: 'console' | 'json';
}

/** What a connection tells of itself: whether it is closed, or draining to close. */
interface ConnectionState {
  isClosed(): boolean;
  isDraining(): boolean;
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
  const metrics = new FanoutMetrics();
  const apps: Array<{ name: ServiceName; app: INestApplicationContext }> = [];
  let phase: 'starting' | 'running' | 'draining' = 'starting';
  const connections = () =>
    apps.map(({ name, app }) => ({ name, connection: app.get<ConnectionState>(NATS_CONNECTION) }));
  metrics.collect((set) => {
    for (const { name, connection } of connections()) {
      const up = !connection.isClosed() && !connection.isDraining();
      set('fanout_nats_connected', { service: name }, up ? 1 : 0);
    }
  });
  const health = await startHealth(env, {
    metrics,
    ready: () =>
      phase === 'running' &&
      connections().every(({ connection }) => !connection.isClosed() && !connection.isDraining()),
  });
  try {
    const json = (options.logs ?? env['FANOUT_LOG_FORMAT']) === 'json';
    for (const name of names) {
      const logger = json ? { logger: new TraceLogger(name) } : {};
      const own = options.envOf?.(name) ?? env;
      apps.push({ name, app: await bootService(name, { env: own, metrics, ...logger }) });
    }
    phase = 'running';
    options.onReady?.();
    const signal = await signalled;
    phase = 'draining';
    console.error(`fanout: ${signal}, draining ${names.join(', ')}`);
  } finally {
    phase = 'draining';
    // Workers first, so nothing they report finds its orchestrator gone.
    for (const { app } of apps.reverse()) {
      await app.close().catch((error: unknown) => console.error('fanout: drain failed', error));
    }
    await health?.close();
    await telemetry.shutdown().catch(() => undefined);
  }
}

/**
 * The health and metrics endpoints, on `FANOUT_HTTP_PORT` (9464 unless told otherwise). A
 * port another process already took (several services started on one machine) is said and
 * gone without, rather than stopping the service; `off` serves none.
 */
async function startHealth(
  env: NodeJS.ProcessEnv,
  source: Parameters<typeof HealthServer.start>[1],
): Promise<HealthServer | undefined> {
  const options = healthOptionsFromEnv(env);
  if (options.port === undefined) return undefined;
  try {
    const server = await HealthServer.start(options, source);
    console.error(`fanout: health and metrics on ${server.url} (/healthz, /readyz, /metrics)`);
    return server;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    console.error(
      `fanout: port ${options.port} is taken: no health and metrics endpoints (set FANOUT_HTTP_PORT)`,
    );
    return undefined;
  }
}

/**
 * One service process's whole life, as its container runs it ({@link runServices}), then
 * exit 0 after the drain, or 1 when it could not start.
 */
export async function runService(name: ServiceName): Promise<void> {
  try {
    // A service process logs JSON lines with trace ids unless told otherwise.
    const logs = process.env['FANOUT_LOG_FORMAT'] === 'console' ? 'console' : 'json';
    await runServices([name], { logs });
    process.exit(0);
  } catch (error) {
    console.error(`${name} failed to start`, error);
    process.exit(1);
  }
}
