import type { NatsConfig } from '../connection/nats-config';
import type { TopologyInput } from '../topology/topology-options';

/** What `MessagingModule.forRoot` connects to and which streams it makes sure exist. */
export interface MessagingModuleOptions {
  /**
   * How to reach NATS. Default: read from the environment (`NATS_URL`, credentials,
   * `FANOUT_SUBJECT_PREFIX`) by `natsConfigFromEnv()`, so one image runs anywhere.
   */
  config?: NatsConfig;
  /**
   * Limits of the streams and buckets `ensureTopology` creates or updates at start.
   * Default: the environment's (`FANOUT_EVENT_RETENTION`, `FANOUT_STREAM_REPLICAS`, read by
   * `topologyFromEnv()`). `prefix` defaults to the config's `subjectPrefix`, so subjects and
   * streams agree.
   */
  topology?: TopologyInput;
}
