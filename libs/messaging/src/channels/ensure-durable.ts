import {
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type ConsumerInfo,
  type JetStreamManager,
} from '@nats-io/jetstream';

/** The settings of a durable pull consumer that a service may change between deploys. */
export type DurableSpec = Pick<ConsumerConfig, 'ack_wait' | 'max_deliver'> & {
  durable_name: string;
  filter_subject: string;
};

/**
 * Creates the durable pull consumer, or brings an existing one to `spec` (ack wait and
 * deliveries change with config; replicas of a service race to do this, and all agree).
 * A durable of that name that reads another subject belongs to something else: that is
 * refused with both subjects named, rather than silently re-pointed.
 */
export async function ensureDurable(
  jsm: JetStreamManager,
  stream: string,
  spec: DurableSpec,
): Promise<ConsumerInfo> {
  const existing = await infoOrNothing(jsm, stream, spec.durable_name);
  if (existing) return update(jsm, stream, existing, spec);
  try {
    return await jsm.consumers.add(stream, {
      ...spec,
      ack_policy: 'explicit',
      deliver_policy: 'all',
    });
  } catch (error) {
    // Another replica may have created it a moment ago; then it is an update.
    const raced = await infoOrNothing(jsm, stream, spec.durable_name);
    if (raced) return update(jsm, stream, raced, spec);
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `cannot create consumer ${spec.durable_name} on ${stream} for ${spec.filter_subject}: ${reason}`,
      { cause: error },
    );
  }
}

async function update(
  jsm: JetStreamManager,
  stream: string,
  existing: ConsumerInfo,
  spec: DurableSpec,
): Promise<ConsumerInfo> {
  if (existing.config.filter_subject !== spec.filter_subject) {
    throw new Error(
      `consumer ${spec.durable_name} on ${stream} reads ${existing.config.filter_subject ?? 'every subject'}, ` +
        `not ${spec.filter_subject}: delete it or choose another durable name`,
    );
  }
  const { ack_wait, max_deliver } = existing.config;
  if (ack_wait === spec.ack_wait && max_deliver === spec.max_deliver) return existing;
  return jsm.consumers.update(stream, spec.durable_name, {
    ack_wait: spec.ack_wait,
    max_deliver: spec.max_deliver,
  });
}

async function infoOrNothing(
  jsm: JetStreamManager,
  stream: string,
  durable: string,
): Promise<ConsumerInfo | undefined> {
  try {
    return await jsm.consumers.info(stream, durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) {
      return undefined;
    }
    throw error;
  }
}
