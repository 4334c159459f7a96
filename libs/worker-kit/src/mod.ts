/**
 * The runtime every worker shares: tools hosted in pools of slots, tasks pulled by
 * priority, reports on the command bus, streamed items on the data pipeline, cancellation,
 * load snapshots and heartbeats, and a drain that loses no task. Tools stay plain
 * functions that know nothing of NATS.
 */
export { Worker, type WorkerCounts, type WorkerState } from './worker';
export {
  DEFAULT_DRAIN_GRACE_MS,
  DEFAULT_TIMING,
  type AnyTool,
  type PoolShares,
  type ToolRegistry,
  type WorkerLogger,
  type WorkerOptions,
  type WorkerTiming,
} from './worker-options';
export { DEFAULT_POOL_SLOTS, poolEnvVar, resolvePools, type PoolSources } from './pools';
export {
  DataStreamError,
  DeadlineExceededError,
  InvalidToolInputError,
  InvalidToolOutputError,
  PreemptedError,
  ReportNotStoredError,
  TaskCancelledError,
  WorkerDrainingError,
  WrongQueueError,
} from './errors';
export type {
  AttemptCall,
  AttemptEnd,
  AttemptInterceptor,
  Disposition,
} from './interceptors/attempt-interceptor';
export { SlotChooser, type PoolNow, type WaitingCall } from './slot-chooser';
export { attemptKey, reportIds } from './report-ids';
export { ServiceVitals, type PoolLoad, type VitalsSource } from './service-vitals';
export { heartbeatPublisher } from './service-heartbeats';
export { noopTool } from './noop-tool';
export { runTool, type ItemSink, type ToolRun } from './run-tool';
export { WorkerModule, WorkerLifecycle } from './nest/worker.module';
export { type WorkerModuleOptions } from './nest/worker-module.options';
export { WORKER, WORKER_MODULE_OPTIONS } from './nest/tokens';
