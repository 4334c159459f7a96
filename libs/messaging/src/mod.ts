/**
 * Everything Fanout says over NATS goes through here: the connection, the streams and
 * buckets, and the channels built on them. No other project imports the NATS client.
 */
export { NatsConfig, natsConfigFromEnv } from './connection/nats-config';
export {
  connectNats,
  connectionOptions,
  reconnectDelay,
  type ConnectionLogger,
} from './connection/connect';
export { ensureTopology, streamSpecs, type Topology } from './topology/ensure-topology';
export { TopologyOptions, type TopologyInput } from './topology/topology-options';
export { serverFeatures, type ServerFeatures } from './topology/server-features';
