/**
 * Command -> handler -> reply round trip through the NestJS JetStream transport, side by
 * side with raw `@nats-io/jetstream` publish -> consume -> reply, on one nats-server of its
 * own. Prints a table, then (last line) one JSON object with the figures and the ratios
 * the floors are set on: transport p50 <= 1.5x raw, transport throughput >= 0.5x raw.
 *
 * The machine may be busy with other work, so the two paths are measured in alternation:
 * latency one round trip each in turn, throughput in alternating bursts; the figures are
 * the medians over the rounds.
 */
import { connectNats, natsConfigFromEnv } from '@fanout/messaging';
import type { CallTool } from '@fanout/contracts';
import { startNats } from '@fanout/testing';
import { rawPath } from './messaging/raw-path';
import { measureThroughput, sampleLatency, type RoundTripPath } from './messaging/round-trip';
import { transportPath } from './messaging/transport-path';
import { percentile, round, table, type Figures } from './stats';

const ROUNDS = 5;
const LATENCY_SAMPLES = 1_000; // per path and round
const BURST = 4_000; // messages per path and round
const WINDOW = 128; // round trips in flight during a burst
const CONCURRENCY = 64; // the transport handler's bound
const FLOORS = { p50_vs_raw: 1.5, throughput_vs_raw: 0.5 };

let sequence = 0;
/** A distinct command id per round trip: JetStream would drop a repeated one as a duplicate. */
function command(n: number): CallTool {
  sequence += 1;
  return {
    type: 'task.call',
    commandId: `bench-${n}-${sequence}`,
    workflowId: 'bench',
    tool: 'noop',
    input: { n },
    priority: 2,
  };
}

const median = (values: number[]) => percentile(values, 50);

/** Latency samples and burst rates of one path, over every round. */
interface Measured {
  latency: number[];
  rates: number[];
}

async function measure(raw: RoundTripPath, transport: RoundTripPath) {
  const paths = [raw, transport];
  const measured = new Map<RoundTripPath, Measured>(
    paths.map((path) => [path, { latency: [], rates: [] }]),
  );
  for (const path of paths) await measureThroughput(path, 1_000, 32); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const samples = await sampleLatency(paths, LATENCY_SAMPLES);
    for (const [path, into] of measured) {
      into.latency.push(...(samples.get(path) ?? []));
      into.rates.push(await measureThroughput(path, BURST, WINDOW));
    }
  }
  const figures = (path: RoundTripPath): Figures => {
    const { latency, rates } = measured.get(path) ?? { latency: [], rates: [] };
    return {
      p50_ms: round(percentile(latency, 50)),
      p99_ms: round(percentile(latency, 99)),
      msgs_per_s: Math.round(median(rates)),
    };
  };
  return { raw: figures(raw), transport: figures(transport) };
}

export async function run(): Promise<void> {
  await using nats = await startNats();
  const config = natsConfigFromEnv({ NATS_URL: nats.url });
  const service = await connectNats(config);
  const publisher = await connectNats(config);
  try {
    const raw = await rawPath(service, publisher, command);
    const transport = await transportPath(service, publisher, command, CONCURRENCY);
    const figures = await measure(raw, transport);
    await transport.close();
    await raw.close();
    const ratios = {
      p50_vs_raw: round(figures.transport.p50_ms / figures.raw.p50_ms),
      throughput_vs_raw: round(figures.transport.msgs_per_s / figures.raw.msgs_per_s),
    };
    console.log(
      table(
        ['path', 'p50 ms', 'p99 ms', 'msgs/s'],
        Object.entries(figures).map(([path, f]) => [path, f.p50_ms, f.p99_ms, f.msgs_per_s]),
      ),
    );
    const met =
      ratios.p50_vs_raw <= FLOORS.p50_vs_raw &&
      ratios.throughput_vs_raw >= FLOORS.throughput_vs_raw;
    console.log(
      `transport p50 ${ratios.p50_vs_raw}x raw (floor <= ${FLOORS.p50_vs_raw}), throughput ${ratios.throughput_vs_raw}x raw (floor >= ${FLOORS.throughput_vs_raw}): ${met ? 'floors met' : 'FLOORS MISSED'}`,
    );
    console.log(JSON.stringify({ bench: 'messaging', figures, ratios }));
  } finally {
    await service.close();
    await publisher.close();
  }
}
