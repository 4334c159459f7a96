import type { INestMicroservice } from '@nestjs/common';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NatsConnection } from '@nats-io/transport-node';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { subjects } from '@fanout/contracts';
import { startTelemetry, type Telemetry } from '@fanout/telemetry';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectNats } from '../connection/connect';
import { natsConfigFromEnv } from '../connection/nats-config';
import { ensureTopology } from '../topology/ensure-topology';
import { JetStreamClient } from './jetstream.client';
import { callTool, startProbeApp, uniquePrefix } from '../testing/transport-app';

describe('the JetStream transport and the trace', () => {
  const exporter = new InMemorySpanExporter();
  const seen: { call?: string; echo?: string } = {};
  let telemetry: Telemetry;
  let nats: NatsServer;
  let connection: NatsConnection;
  let app: INestMicroservice;
  let client: JetStreamClient;
  let prefix: string;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'trace-test', exporter, env: {} });
    nats = await startNats();
    connection = await connectNats(natsConfigFromEnv({ NATS_URL: nats.url }));
    prefix = uniquePrefix('trace');
    await ensureTopology(connection, { prefix });
    const activeTrace = () => trace.getActiveSpan()?.spanContext().traceId;
    app = await startProbeApp(
      connection,
      {
        call: () => void (seen.call = activeTrace()),
        echo: () => void (seen.echo = activeTrace()),
      },
      { prefix },
    );
    client = new JetStreamClient({ connection, prefix });
  });
  afterAll(async () => {
    await app?.close();
    await client?.close();
    await connection?.close();
    await nats?.stop();
    await telemetry?.shutdown();
  });

  it("runs a command's handler in the publisher's trace, in a consumer span under the producer span", async () => {
    const publisher = trace.getTracer('test');
    const traceId = await publisher.startActiveSpan('submit', async (span) => {
      await lastValueFrom(client.emit('task.call', callTool('traced-1')));
      span.end();
      return span.spanContext().traceId;
    });

    await expect.poll(() => seen.call).toBe(traceId);
    const subject = subjects(prefix).command('task.call', 2);
    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    const send = spans.find((s) => s.name === `publish ${subject}`);
    await expect
      .poll(() => exporter.getFinishedSpans().some((s) => s.name === `process ${subject}`))
      .toBe(true);
    const process = exporter.getFinishedSpans().find((s) => s.name === `process ${subject}`);
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.spanContext().traceId).toBe(traceId);
    expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
  });

  it("serves a request in the caller's trace", async () => {
    const traceId = await trace.getTracer('test').startActiveSpan('ask', async (span) => {
      await firstValueFrom(client.send('probe.echo', {}));
      span.end();
      return span.spanContext().traceId;
    });
    expect(seen.echo).toBe(traceId);
  });
});
