import type { WorkerOptions } from '../worker-options';

/**
 * What `WorkerModule.forRoot` builds a worker from: the worker's own options, minus the
 * connection and subjects, which come from `MessagingModule`.
 */
export interface WorkerModuleOptions extends Omit<
  WorkerOptions,
  'connection' | 'names' | 'logger'
> {
  /**
   * How long shutdown lets running tasks finish before aborting and giving them back.
   * Default: `FANOUT_DRAIN_GRACE_MS`, else 20 000 (inside Kubernetes' 30 s termination grace).
   */
  drainGraceMs?: number;
}
