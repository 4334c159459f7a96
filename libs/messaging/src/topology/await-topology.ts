import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@fanout/contracts';
import { Backoff, BACKOFF, sleep } from '../backoff';
import { isStreamNotFound } from '../channels/missing-stream';
import type { ConnectionLogger } from '../connection/connect';
import { TopologyOptions, type TopologyInput } from './topology-options';

/**
 * Waits until every stream and bucket of the topology exists, changing none of them: the
 * start of a service whose credentials may not administer streams (`FANOUT_TOPOLOGY=await`).
 * The orchestrator makes them; until it has, this says which one it waits for, once, and
 * looks again with backoff. `signal` gives up (a service stopped while it waited).
 */
export async function awaitTopology(
  connection: NatsConnection,
  input: TopologyInput = {},
  logger?: ConnectionLogger,
  signal?: AbortSignal,
): Promise<void> {
  const options = TopologyOptions.parse(input);
  const s = subjects(options.prefix);
  const jsm = await jetstreamManager(connection);
  const streams = [
    ...Object.values(s.streams),
    ...[s.buckets.workflows, s.buckets.leases, s.buckets.toolCache].map((name) => `KV_${name}`),
    ...[s.buckets.payloads, s.buckets.results].map((name) => `OBJ_${name}`),
  ];
  const backoff = new Backoff(BACKOFF.topology);
  for (const stream of streams) {
    let said = false;
    for (;;) {
      try {
        await jsm.streams.info(stream);
        break;
      } catch (error) {
        if (!isStreamNotFound(error)) throw error;
        if (!said) logger?.info(`waiting for stream ${stream}: the orchestrator creates it`);
        said = true;
        await sleep(backoff.next(), signal);
      }
    }
  }
}
