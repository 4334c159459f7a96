import { Module } from '@nestjs/common';
import { MessagingModule } from '@fanout/messaging';
import { codebaseTools } from '@fanout/tools-codebase';
import { WorkerModule } from '@fanout/worker-kit';
import { CODEBASE_POOLS } from './codebase-pools';

/**
 * The codebase worker: `code.glob`, `code.grep`, `code.read` and `code.xref` on
 * worker-kit, over the process's one NATS connection (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`).
 * It starts taking tasks once the application has booted and drains on shutdown
 * (`FANOUT_DRAIN_GRACE_MS`) before the connection is drained.
 */
@Module({
  imports: [
    MessagingModule.forRoot(),
    WorkerModule.forRoot({
      service: 'codebase-worker',
      tools: codebaseTools,
      defaultPools: CODEBASE_POOLS,
    }),
  ],
})
export class CodebaseWorkerModule {}
