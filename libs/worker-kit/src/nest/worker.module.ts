import {
  Inject,
  Injectable,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Subjects } from '@fanout/contracts';
import { FANOUT_SUBJECTS, NATS_CONNECTION } from '@fanout/messaging';
import type { Connection } from '../transport-types';
import { Worker } from '../worker';
import { DEFAULT_DRAIN_GRACE_MS } from '../worker-options';
import { nestWorkerLogger } from './nest-logger';
import { WORKER, WORKER_MODULE_OPTIONS } from './tokens';
import type { WorkerModuleOptions } from './worker-module.options';

/**
 * Ties the worker to the application's life: it starts taking tasks once every module is
 * initialised, and drains before shutdown, which comes before `MessagingModule` drains the
 * connection, so the last reports and acks still have a connection to travel on.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(WORKER) private readonly worker: Worker,
    @Inject(WORKER_MODULE_OPTIONS) private readonly options: WorkerModuleOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.worker.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.drain(drainGrace(this.options));
  }
}

/**
 * Hosts tools on worker-kit inside a NestJS application. Import `MessagingModule.forRoot()`
 * in the same application: the worker uses its connection and subject prefix.
 */
@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    return {
      module: WorkerModule,
      providers: [
        { provide: WORKER_MODULE_OPTIONS, useValue: options },
        {
          provide: WORKER,
          useFactory: (connection: Connection, names: Subjects) =>
            new Worker({
              ...options,
              connection,
              names,
              logger: nestWorkerLogger(options.service),
            }),
          inject: [NATS_CONNECTION, FANOUT_SUBJECTS],
        },
        WorkerLifecycle,
      ],
      exports: [WORKER],
    };
  }
}

function drainGrace(options: WorkerModuleOptions): number {
  if (options.drainGraceMs !== undefined) return options.drainGraceMs;
  const raw = (options.env ?? process.env)['FANOUT_DRAIN_GRACE_MS'];
  if (raw === undefined || raw === '') return DEFAULT_DRAIN_GRACE_MS;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`FANOUT_DRAIN_GRACE_MS must be a number of ms, 0 or more; got "${raw}"`);
  }
  return value;
}
