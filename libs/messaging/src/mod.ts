/**
 * Everything Fanout says over NATS goes through here: the connection, the streams and
 * buckets, and the channels built on them. No other project imports the NATS client.
 */
export { credentialsOf, NatsConfig, natsConfigFromEnv } from './connection/nats-config';
export { PermissionDeniedError, permissionDenied } from './connection/permission-denied';
export { connectNats, connectionOptions, type ConnectionLogger } from './connection/connect';
export { DELIVERY_DEFAULTS, DeliveryOptions, resolveDelivery } from './channels/delivery-options';
export { Backoff, BACKOFF, backoffDelay, sleep, type BackoffPolicy } from './backoff';
export { ensureTopology, streamSpecs, type Topology } from './topology/ensure-topology';
export { awaitTopology } from './topology/await-topology';
export { TopologyOptions, topologyFromEnv, type TopologyInput } from './topology/topology-options';
export { serverFeatures, type ServerFeatures } from './topology/server-features';

// NestJS transport
export { MessagingModule, NatsConnectionDrainer } from './nest/messaging.module';
export { type MessagingModuleOptions } from './nest/messaging-module.options';
export {
  NATS_CONNECTION,
  FANOUT_SUBJECTS,
  FANOUT_TOPOLOGY,
  MESSAGING_OPTIONS,
} from './nest/tokens';
export { JetStreamServer, JETSTREAM_TRANSPORT } from './nest/jetstream.server';
export { JetStreamClient } from './nest/jetstream.client';
export { JetStreamContext } from './nest/jetstream.context';
export { JetStreamExceptionFilter } from './nest/jetstream-exception.filter';
export {
  resolveCommandOptions,
  type CommandConsumerOptions,
  type CommandOutcome,
  type InvalidCommand,
  type JetStreamClientOptions,
  type JetStreamHandlerExtras,
  type JetStreamServerOptions,
  type TransportConnectionOptions,
} from './nest/jetstream.options';
export { ERROR_HEADER } from './primitives/rpc-wire';

// channels and primitives
export {
  BarrierTimeoutError,
  BusFullError,
  DataGapError,
  DeadLetterNotFoundError,
  InvalidMessageError,
  MessageTooLargeError,
  PayloadMissingError,
  ReadStalledError,
  RemoteError,
  StreamMissingError,
} from './errors';
export {
  CommandBus,
  commandLevels,
  decodeCommand,
  DEFAULT_COMMAND_PRIORITY,
  type CommandReceipt,
} from './channels/command-bus';
export {
  PriorityConsumer,
  type DeadLetterSink,
  type Exhaustion,
  type PriorityConsumerOptions,
  type PriorityLevel,
} from './channels/priority-consumer';
export { HeldMessage, type Settlement } from './channels/held-message';
export { DEFAULT_WEIGHTS, WeightedPicker, weightedCycle } from './channels/weighted-schedule';
export { TaskQueue, decodeTask, taskLevels, type Backlog } from './channels/task-queue';
export { maxBodyBytes } from './channels/message-size';
export { ReportBatcher } from './channels/report-batcher';
export { decodeCommands, type Decoded } from './nest/decode-command';
export {
  EventStream,
  type EventFilter,
  type ReadOptions,
  type StoredEvent,
} from './channels/event-stream';
export { DataPipeline } from './channels/data-pipeline';
export { DataProducer, type BatchingOptions, type DataTask } from './channels/data-producer';
export type { PayloadRef } from './channels/payload-store';
export { ErrorChannel, type ErrorFilter, type StoredErrorRecord } from './channels/error-channel';
export { DeadLetters, type StoredDeadLetter } from './channels/dead-letters';
export { MetricsBus } from './channels/metrics-bus';
export { Heartbeats } from './channels/heartbeats';
export type { CoreSubscribeOptions } from './channels/core-subscription';
export type { StartAt } from './channels/ordered-reader';
export type { Subscription } from './channels/subscription';
export { arrive, barrier } from './primitives/barrier';
export { Broadcaster } from './primitives/broadcast';
export {
  call,
  endpoint,
  serve,
  NO_RESPONDERS,
  type Endpoint,
  type Responder,
  type ServeOptions,
} from './primitives/request-response';

// workflow state: leases, records and snapshots, the log's batched appends
export { LeaseStore, type Lease } from './state/lease-store';
export { ToolResultCache, type CachedResult } from './state/tool-result-cache';
export { StoredResults, type ResultOwner } from './state/stored-results';
export { WorkflowLog } from './state/workflow-log';
export { foldLog, type LogFold, type LogStart } from './state/log-fold';
export { WorkflowStore, type Snapshot, type WorkflowRecord } from './state/workflow-store';

// trace context in message headers
export { extractTrace, injectTrace, traceOf, unsampledSpanIn } from './tracing/propagation';
