/**
 * DI tokens of {@link WorkerModule}. Symbols, because tsx and vitest emit no decorator
 * metadata: every injection names its token (`@Inject(WORKER)`).
 */

/** The application's {@link Worker}, built on the messaging module's connection. */
export const WORKER = Symbol.for('fanout.worker-kit.Worker');

/** The options `WorkerModule.forRoot` was given. */
export const WORKER_MODULE_OPTIONS = Symbol.for('fanout.worker-kit.WorkerModuleOptions');
