import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { JetStreamExceptionFilter, JetStreamServer } from '@fanout/messaging';
import { OrchestratorModule } from './orchestrator.module';
import { orchestratorOptionsFromEnv } from './orchestrator.options';

/**
 * Starts one orchestrator replica: it consumes the command bus (any number of replicas
 * share it), owns workflows through leases, and drains on SIGTERM.
 */
export async function bootstrap(): Promise<void> {
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
