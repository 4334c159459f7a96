import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { startTelemetry } from '@fanout/telemetry';
import { JetStreamExceptionFilter, JetStreamServer } from '@fanout/messaging';
import { OrchestratorModule } from './orchestrator.module';
import { orchestratorOptionsFromEnv } from './orchestrator.options';

/**
 * Starts one orchestrator replica: it consumes the command bus (any number of replicas
 * share it), owns workflows through leases, and drains on SIGTERM.
 */
export async function bootstrap(): Promise<void> {
  // Traces go to OTEL_EXPORTER_OTLP_ENDPOINT (Jaeger) when it is set; the context propagates either way.
  const telemetry = startTelemetry({ serviceName: 'orchestrator' });
  process.once('exit', () => void telemetry.shutdown());
  const options = orchestratorOptionsFromEnv();
  const server = new JetStreamServer({
    service: 'orchestrator',
    commands: { concurrency: options.concurrency, durablePrefix: 'orchestrator' },
  });
  const app = await NestFactory.createMicroservice(OrchestratorModule, {
    strategy: server,
    logger: ['error', 'warn', 'log'],
  });
  app.useGlobalFilters(new JetStreamExceptionFilter());
  app.enableShutdownHooks();
  await app.listen();
}

if (import.meta.main) {
  bootstrap().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
