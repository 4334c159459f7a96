/**
 * NATS servers for tests: real nats-server processes that can be crashed and restarted,
 * clusters, or whatever NATS_URL names. No NATS client here; tests bring their own.
 */
export { findNatsServer } from './binary.ts';
export { startNatsCluster, type NatsCluster, type NatsClusterOptions } from './cluster.ts';
export { startNats } from './server.ts';
export type { NatsServer, NatsServerOptions } from './types.ts';
export {
  startService,
  startServices,
  workspaceRoot,
  type ServiceOptions,
  type ServiceProcess,
  type Services,
} from './services.ts';
