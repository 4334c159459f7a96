import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { startTelemetry, type Telemetry } from './start-telemetry';

/** An HTTP listener that records the path of every request it gets. */
async function listen(port = 0): Promise<{ server: Server; url: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    paths.push(request.url ?? '');
    request.resume();
    request.on('end', () =>
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${bound}`, paths };
}

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('telemetry', () => {
  let telemetry: Telemetry | undefined;
  const servers: Server[] = [];
  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
    for (const server of servers.splice(0)) await new Promise((done) => server.close(done));
  });

  it('writes the trace and span ids of the active span on a log line, and none outside a span', () => {
    telemetry = startTelemetry({ serviceName: 'logger-test', env: {} });
    const { stream, lines } = capture();
    const logger = createLogger('worker', { destination: stream });
    let ids = { traceId: '', spanId: '' };
    trace.getTracer('test').startActiveSpan('work', (span) => {
      ids = span.spanContext();
      logger.info('inside');
      span.end();
    });
    logger.info('outside');

    const [inside, outside] = lines();
    expect(inside).toMatchObject({
      msg: 'inside',
      name: 'worker',
      trace_id: ids.traceId,
      span_id: ids.spanId,
    });
    expect(ids.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).toMatchObject({ msg: 'outside' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
  });

  it('hands every ended span, with the service name, to an exporter passed in the options', async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({ serviceName: 'exporter-test', exporter, env: {} });
    const tracer = trace.getTracer('test');
    await tracer.startActiveSpan('parent', async (parent) => {
      await Promise.resolve();
      tracer.startSpan('child').end();
      parent.end();
    });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['child', 'parent']);
    const [child, parent] = spans;
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
    expect(parent!.resource.attributes['service.name']).toBe('exporter-test');
  });

  it('registers the W3C propagator, so a context injected into headers is extracted on the other side', () => {
    telemetry = startTelemetry({ serviceName: 'propagation-test', env: {} });
    const carrier: Record<string, string> = {};
    let traceId = '';
    trace.getTracer('test').startActiveSpan('publish', (span) => {
      traceId = span.spanContext().traceId;
      propagation.inject(context.active(), carrier);
      span.end();
    });
    // Flags 00: with no exporter nothing is recorded, yet the ids travel all the same.
    expect(carrier['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    const extracted = trace.getSpanContext(propagation.extract(context.active(), carrier));
    expect(extracted?.traceId).toBe(traceId);
  });

  it('records no span when there is nowhere to send it, and records them when there is', async () => {
    telemetry = startTelemetry({ serviceName: 'sampling-test', env: {} });
    const unsent = trace.getTracer('test').startSpan('work');
    expect(unsent.isRecording()).toBe(false);
    expect(unsent.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    unsent.end();
    await telemetry.shutdown();
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({ serviceName: 'sampling-test', exporter, env: {} });
    const sent = trace.getTracer('test').startSpan('work');
    expect(sent.isRecording()).toBe(true);
    sent.end();
  });

  it('sends spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT when it is set', async () => {
    const collector = await listen();
    servers.push(collector.server);
    telemetry = startTelemetry({
      serviceName: 'otlp-test',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${collector.url}/` },
    });
    expect(telemetry.endpoint).toBe(`${collector.url}/v1/traces`);
    trace.getTracer('test').startSpan('sent').end();
    await telemetry.shutdown();
    expect(collector.paths).toEqual(['/v1/traces']);
  });

  it('exports nothing when OTEL_EXPORTER_OTLP_ENDPOINT is unset: the default OTLP port hears no request', async ({
    skip,
  }) => {
    const collector = await listen(4318).catch(() => undefined);
    if (!collector)
      return skip('port 4318 is in use here (a collector runs?), cannot listen on it');
    servers.push(collector.server);
    telemetry = startTelemetry({ serviceName: 'silent-test', env: {} });
    expect(telemetry.endpoint).toBeUndefined();
    trace.getTracer('test').startSpan('kept').end();
    await telemetry.shutdown();
    expect(collector.paths).toEqual([]);
  });
});
