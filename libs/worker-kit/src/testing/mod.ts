/**
 * What tests of workers share (`@fanout/worker-kit/testing`): reading the reports a worker
 * sends, as the orchestrator would, and a worker in a process of its own to kill. Not part
 * of the runtime's surface.
 */
export { ReportLog } from './report-log';
export { reap, spawnWorker, type ChildWorker } from './child-worker';
