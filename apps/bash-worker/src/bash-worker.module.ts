import { Module } from '@nestjs/common';
import { MessagingModule } from '@fanout/messaging';
import { shellTools } from '@fanout/tools-shell';
import { WorkerModule } from '@fanout/worker-kit';

/**
 * The bash worker: `bash.exec` on worker-kit. Every command is validated against the
 * policy, runs in the sandbox (bubblewrap when present; `FANOUT_SANDBOX`), and takes a slot
 * of its category inside the pool, so one kind of work cannot crowd out the rest. The pool
 * is 16 by default (`FANOUT_POOL_BASH_EXEC`).
 */
@Module({
  imports: [
    MessagingModule.forRoot(),
    WorkerModule.forRoot({
      service: 'bash-worker',
      tools: shellTools,
      defaultPools: { 'bash.exec': 16 },
    }),
  ],
})
export class BashWorkerModule {}
