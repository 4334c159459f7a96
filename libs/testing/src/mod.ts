/**
 * What tests need around the product: NATS servers of their own (from `@fanout/nats-server`,
 * re-exported so a test has one import) and the services run as real processes.
 */
export {
  findNatsServer,
  startNats,
  startNatsCluster,
  type NatsCluster,
  type NatsClusterOptions,
  type NatsServer,
  type NatsServerOptions,
} from '@fanout/nats-server';
export { drain, resultOf } from './drain.ts';
export { runFanout, startFanout, type FanoutRun } from './fanout-cli.ts';
export { recordingNatsServer } from './recording-nats-server.ts';
export {
  childEnv,
  startProcess,
  startService,
  startServices,
  workspaceRoot,
  type ServiceOptions,
  type ServiceProcess,
  type Services,
} from './services.ts';
