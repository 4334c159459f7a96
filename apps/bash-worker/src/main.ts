import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { BashWorkerModule } from './bash-worker.module';

/**
 * Starts one bash worker: an application context on NATS, no HTTP. SIGTERM and SIGINT
 * drain it (running commands finish within the grace, the rest go back to the queue).
 */
export async function bootstrap(): Promise<INestApplicationContext> {
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
