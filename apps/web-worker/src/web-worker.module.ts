import { Module } from '@nestjs/common';
import { MessagingModule } from '@fanout/messaging';
import { webTools } from '@fanout/tools-web';
import { WorkerModule } from '@fanout/worker-kit';
import { WEB_POOLS } from './web-pools';

/**
 * The web worker: `web.search` and `web.fetch` on worker-kit, over the process's one NATS
 * connection (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`). The tools read their settings from
 * the environment (`FANOUT_SEARXNG_URL`, `FANOUT_BRAVE_API_KEY`, … see
 * `webConfigFromEnv`); `FANOUT_WEB_ALLOW` opens the SSRF guard and is for tests only.
 */
@Module({
  imports: [
    MessagingModule.forRoot(),
    WorkerModule.forRoot({
      service: 'web-worker',
      tools: webTools,
      defaultPools: WEB_POOLS,
    }),
  ],
})
export class WebWorkerModule {}
