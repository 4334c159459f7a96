import { jetstreamManager, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { Objm } from '@nats-io/obj';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@fanout/contracts';
import { isStreamNotFound } from '../channels/missing-stream';
import { serverFeatures, type ServerFeatures } from './server-features';
import { TopologyOptions, type TopologyInput } from './topology-options';

/** What `ensureTopology` found or made, for logs and for callers that adapt to the server. */
export interface Topology {
  features: ServerFeatures;
  streams: string[];
  buckets: string[];
}

type StreamSpec = Partial<StreamConfig> & Pick<StreamConfig, 'name' | 'subjects'>;

/** The streams of the design, sized by `options`. */
export function streamSpecs(options: TopologyOptions, features: ServerFeatures): StreamSpec[] {
  const s = subjects(options.prefix);
  // The server refuses a dedup window longer than the stream keeps its messages.
  const window = (maxAgeMs: number) =>
    nanos(Math.min(options.commands.duplicateWindowMs, maxAgeMs));
  const common = (maxAgeMs: number, compress: boolean): Partial<StreamConfig> => ({
    storage: 'file',
    num_replicas: options.replicas,
    max_age: nanos(maxAgeMs),
    ...(compress && features.compression ? { compression: 's2' as const } : {}),
  });
  return [
    {
      // Back-pressure: a full bus refuses the publish instead of dropping accepted commands.
      name: s.streams.commands,
      subjects: s.commandStreamSubjects('commands'),
      retention: 'workqueue',
      discard: 'new',
      max_msgs: options.commands.maxMsgs,
      duplicate_window: window(options.tasks.maxAgeMs),
      ...common(options.tasks.maxAgeMs, false),
    },
    {
      // Workers' reports have a room of their own, sized by the work in flight rather than
      // by what users submit: a bus full of submits never refuses the report that ends a task.
      name: s.streams.reports,
      subjects: s.commandStreamSubjects('reports'),
      retention: 'workqueue',
      discard: 'new',
      max_msgs: options.commands.maxReports,
      duplicate_window: window(options.tasks.maxAgeMs),
      ...common(options.tasks.maxAgeMs, false),
    },
    {
      name: s.streams.tasks,
      subjects: [s.allTasks()],
      // Direct gets read the oldest attempt waiting on a queue, for its age in the metrics.
      allow_direct: true,
      retention: 'workqueue',
      discard: 'new',
      max_msgs: options.tasks.maxMsgs,
      duplicate_window: window(options.tasks.maxAgeMs),
      ...common(options.tasks.maxAgeMs, false),
    },
    {
      name: s.streams.events,
      subjects: [s.allEvents()],
      retention: 'limits',
      duplicate_window: window(options.events.maxAgeMs),
      ...common(options.events.maxAgeMs, true),
    },
    {
      name: s.streams.data,
      subjects: [s.allData()],
      retention: 'limits',
      ...common(options.data.maxAgeMs, true),
    },
    {
      name: s.streams.errors,
      subjects: [s.errors(), s.deadLetters()],
      retention: 'limits',
      ...common(options.errors.maxAgeMs, true),
    },
    {
      name: s.streams.metrics,
      subjects: [s.allMetrics()],
      retention: 'limits',
      ...common(options.metrics.maxAgeMs, false),
    },
  ];
}

/** Creates the stream, or updates its mutable limits when it exists already. */
async function ensureStream(jsm: JetStreamManager, spec: StreamSpec): Promise<void> {
  let existing: StreamConfig | undefined;
  try {
    existing = (await jsm.streams.info(spec.name)).config;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  if (!existing) {
    await jsm.streams.add(spec);
    return;
  }
  if (existing.retention !== spec.retention || existing.storage !== spec.storage) {
    throw new Error(
      `stream ${spec.name} exists with retention ${existing.retention}/${existing.storage}, ` +
        `but Fanout needs ${spec.retention}/${spec.storage}: delete it or use another FANOUT_SUBJECT_PREFIX`,
    );
  }
  await jsm.streams.update(spec.name, { ...existing, ...spec });
}

/**
 * Creates or updates, idempotently, every stream and bucket Fanout uses. Every service
 * calls it at start, so the first one up makes the topology and later ones confirm it;
 * limits changed in config are applied to existing streams.
 */
export async function ensureTopology(
  connection: NatsConnection,
  input: TopologyInput = {},
): Promise<Topology> {
  const options = TopologyOptions.parse(input);
  const features = serverFeatures(connection.info?.version ?? '0.0.0');
  const jsm = await jetstreamManager(connection);
  const specs = streamSpecs(options, features);
  for (const spec of specs) await ensureStream(jsm, spec);

  const s = subjects(options.prefix);
  const kvm = new Kvm(connection);
  const common = { replicas: options.replicas, storage: 'file' as const };
  await kvm.create(s.buckets.workflows, { ...common, history: 1, ttl: options.state.maxAgeMs });
  await kvm.create(s.buckets.leases, { ...common, history: 1 });
  await kvm.create(s.buckets.toolCache, {
    ...common,
    history: 1,
    ttl: options.toolCache.maxAgeMs,
    max_bytes: options.toolCache.maxBytes,
  });
  const objm = new Objm(connection);
  await objm.create(s.buckets.payloads, { ...common, ttl: nanos(options.state.maxAgeMs) });
  // Results are deleted with their workflow's log; the age limit only catches strays (an
  // attempt whose report never arrived).
  await objm.create(s.buckets.results, { ...common, ttl: nanos(options.state.maxAgeMs) });

  return {
    features,
    streams: specs.map((spec) => spec.name),
    buckets: [
      s.buckets.workflows,
      s.buckets.leases,
      s.buckets.results,
      s.buckets.toolCache,
      s.buckets.payloads,
    ],
  };
}
