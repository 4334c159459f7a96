/**
 * What tests of workers share (`@fanout/worker-kit/testing`): reading the reports a worker
 * sends, as the orchestrator would. Not part of the runtime's surface.
 */
export { ReportLog } from './report-log';
