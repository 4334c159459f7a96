import { NestFactory } from '@nestjs/core';
import { startTelemetry } from '@fanout/telemetry';
import type { INestApplicationContext } from '@nestjs/common';
import { WebWorkerModule } from './web-worker.module';

/**
 * Starts one web worker. It needs no HTTP server, only NATS, so it is an application
 * context. SIGTERM and SIGINT drain it (running tasks finish within the grace, the rest go
 * back to the queue) and then exit with 0, so an orchestrator sees a clean stop.
 */
export async function bootstrap(): Promise<INestApplicationContext> {
  // Traces go to OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger) when it is set; the context propagates either way.
  const telemetry = startTelemetry({ serviceName: 'web-worker' });
  process.once('exit', () => void telemetry.shutdown());
  const app = await NestFactory.createApplicationContext(WebWorkerModule, {
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

if (import.meta.main) {
  bootstrap().catch((error: unknown) => {
    console.error('web-worker failed to start', error);
    process.exit(1);
  });
}
