import { context, ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { MsgHdrs } from '@nats-io/transport-node';
import { startTelemetry, type Telemetry } from '@fanout/telemetry';
import { afterEach, describe, expect, it } from 'vitest';
import { publishTraced, traceOf, unsampledSpanIn } from './propagation';

/** Publishes nothing: keeps the headers `publishTraced` hands over. */
async function headersOfPublish(): Promise<MsgHdrs> {
  let sent: MsgHdrs | undefined;
  await publishTraced('test.subject', { 'fanout.test': 1 }, async (headers) => {
    sent = headers;
    return { seq: 7 };
  });
  return sent!;
}

/** `[traceId, spanId]` of a W3C `traceparent` header. */
function parentOf(headers: MsgHdrs): [string, string] {
  const [, traceId = '', spanId = ''] = headers.get('traceparent').split('-');
  return [traceId, spanId];
}

describe('publishing in a trace', () => {
  let telemetry: Telemetry | undefined;
  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
  });

  it('makes no span inside a trace that is not sampled, and sends that trace on under the active span', async () => {
    telemetry = startTelemetry({ serviceName: 'unsampled-test', env: {} });
    const root = trace.getTracer('test').startSpan('root');
    expect(root.isRecording()).toBe(false);
    const within = trace.setSpan(ROOT_CONTEXT, root);
    expect(unsampledSpanIn(within)).toBe(root);

    const headers = await context.with(within, headersOfPublish);
    expect(parentOf(headers)).toEqual([root.spanContext().traceId, root.spanContext().spanId]);
  });

  it('publishes in a producer span of its own inside a sampled trace', async () => {
    const exporter = new InMemorySpanExporter();
    telemetry = startTelemetry({ serviceName: 'sampled-test', exporter, env: {} });
    const root = trace.getTracer('test').startSpan('root');
    const within = trace.setSpan(ROOT_CONTEXT, root);
    expect(unsampledSpanIn(within)).toBeUndefined();

    const headers = await context.with(within, headersOfPublish);
    root.end();
    const producer = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.PRODUCER);
    expect(producer?.name).toBe('publish test.subject');
    expect(producer?.attributes['messaging.message.id']).toBe('7');
    expect(parentOf(headers)).toEqual([root.spanContext().traceId, producer!.spanContext().spanId]);
  });

  it('sees no unsampled span where there is no span at all', () => {
    expect(unsampledSpanIn(ROOT_CONTEXT)).toBeUndefined();
  });
});

describe('the trace a message carries', () => {
  let telemetry: Telemetry | undefined;
  afterEach(async () => {
    await telemetry?.shutdown();
    telemetry = undefined;
  });

  it("is the publisher's, read from the headers, when a propagator is registered", async () => {
    telemetry = startTelemetry({
      serviceName: 'carried-test',
      exporter: new InMemorySpanExporter(),
      env: {},
    });
    const root = trace.getTracer('test').startSpan('root');
    const headers = await context.with(trace.setSpan(ROOT_CONTEXT, root), headersOfPublish);
    const carried = trace.getSpanContext(traceOf({ headers }, ROOT_CONTEXT));
    expect(carried?.traceId).toBe(root.spanContext().traceId);
    root.end();
  });

  it('is the given context, without reading the headers, when no propagator is registered', () => {
    let reads = 0;
    const message = {
      get headers(): MsgHdrs | undefined {
        reads++;
        return undefined;
      },
    };
    expect(traceOf(message, ROOT_CONTEXT)).toBe(ROOT_CONTEXT);
    expect(reads).toBe(0);
  });
});
