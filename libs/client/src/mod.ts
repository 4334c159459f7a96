/**
 * The Fanout client: submit workflows, follow their events and results, call one tool,
 * from any Node program. It goes through `@fanout/messaging`, never NATS directly.
 */
export { FanoutClient, type CallOutcome, type ConnectOptions, type SubmitOptions } from './client';
export { WorkflowHandle, type TaskResult, type TreeEvent } from './workflow-handle';
export {
  BusFullError,
  ConnectionError,
  namingCredentials,
  PermissionDeniedError,
  StreamMissingError,
  TimeoutError,
  ValidationError,
  type Problem,
} from './errors';
export { probeNats } from './probe';
export type {
  DeadLetters,
  ErrorFilter,
  StoredDeadLetter,
  StoredErrorRecord,
  StoredEvent,
  Subscription,
} from '@fanout/messaging';
