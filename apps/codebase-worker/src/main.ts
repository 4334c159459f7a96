import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { CodebaseWorkerModule } from './codebase-worker.module';

/**
 * Starts one codebase worker. It needs no HTTP server, only NATS, so it is an application
 * context. SIGTERM and SIGINT drain it (running tasks finish within the grace, the rest go
 * back to the queue) and then exit with 0, so an orchestrator sees a clean stop.
 */
export async function bootstrap(): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(CodebaseWorkerModule, {
    logger: ['error', 'warn', 'log'],
  });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  return app;
}

if (import.meta.main) {
  bootstrap().catch((error: unknown) => {
    console.error('codebase-worker failed to start', error);
    process.exit(1);
  });
}
