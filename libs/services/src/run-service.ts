import { startTelemetry } from '@fanout/telemetry';
import { bootService, type ServiceName } from './boot-service';

/**
 * The whole life of a service process, as its container runs it: telemetry (traces go to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` when set; the context propagates either way), boot from
 * the environment, and on SIGTERM or SIGINT a drain — running tasks finish within the
 * grace, the rest go back to the queue — then the last spans are flushed and the process
 * exits 0, so the platform sees a clean stop and the trace keeps its end.
 */
export async function runService(name: ServiceName): Promise<void> {
  const telemetry = startTelemetry({ serviceName: name });
  try {
    const app = await bootService(name);
    let stopping = false;
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      console.error(`${name}: ${signal}, draining`);
      await app.close().catch((error: unknown) => console.error(`${name}: drain failed`, error));
      await telemetry.shutdown().catch(() => undefined);
      process.exit(0);
    };
    // `on`, not `once`: libraries that watch signals (execa's cleanup) re-raise the signal
    // when they find themselves its only listener, which would kill the drain half-way.
    process.on('SIGTERM', (signal) => void stop(signal));
    process.on('SIGINT', (signal) => void stop(signal));
  } catch (error) {
    console.error(`${name} failed to start`, error);
    await telemetry.shutdown().catch(() => undefined);
    process.exit(1);
  }
}
