import { NestFactory } from '@nestjs/core';
import { startTelemetry } from '@fanout/telemetry';
import type { INestApplicationContext } from '@nestjs/common';
import { BashWorkerModule } from './bash-worker.module';

/**
 * Starts one bash worker: an application context on NATS, no HTTP. SIGTERM and SIGINT
 * drain it (running commands finish within the grace, the rest go back to the queue).
 */
export async function bootstrap(): Promise<INestApplicationContext> {
  // Traces go to OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger) when it is set; the context propagates either way.
  const telemetry = startTelemetry({ serviceName: 'bash-worker' });
  process.once('exit', () => void telemetry.shutdown());
  const app = await NestFactory.createApplicationContext(BashWorkerModule, {
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

if (import.meta.main) {
  bootstrap().catch((error: unknown) => {
    console.error('bash-worker failed to start', error);
    process.exit(1);
  });
}
