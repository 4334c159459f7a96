import {
  context,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

const setter: TextMapSetter<MsgHdrs> = {
  set(carrier, key, value) {
    carrier.set(key, value);
  },
};

const getter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? [...carrier.keys()] : []),
  get: (carrier, key) => carrier?.get(key) || undefined,
};

/**
 * Writes the active trace context (W3C `traceparent`/`tracestate`) into message headers,
 * so that whoever consumes the message continues the same trace. Every publish in this
 * library goes through here; with no OpenTelemetry SDK registered it writes nothing.
 */
export function injectTrace(
  headers: MsgHdrs = natsHeaders(),
  from: Context = context.active(),
): MsgHdrs {
  propagation.inject(from, headers, setter);
  return headers;
}

/** Reads the trace context a publisher left in the headers; the consumer's spans hang from it. */
export function extractTrace(
  headers: MsgHdrs | undefined,
  into: Context = context.active(),
): Context {
  return propagation.extract(into, headers, getter);
}

/** Whether `within` belongs to a trace that is recorded (its spans are sampled). */
export function inSampledTrace(within: Context = context.active()): boolean {
  const spanContext = trace.getSpan(within)?.spanContext();
  return (
    spanContext !== undefined &&
    trace.isSpanContextValid(spanContext) &&
    (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0
  );
}

/**
 * The trace context a message carries, as {@link extractTrace} reads it, without decoding
 * its headers when no propagator is registered (no OpenTelemetry SDK): there is nothing
 * to read then, and the decode was a header parse and half a kilobyte per message.
 */
export function traceOf(
  message: { readonly headers: MsgHdrs | undefined },
  into: Context = context.active(),
): Context {
  if (propagation.fields().length === 0) return into;
  return extractTrace(message.headers, into);
}

/**
 * The span of `within` when it belongs to a trace that is not sampled, else undefined. A
 * span started under it would not be recorded either (a child follows its parent's
 * decision): a hot path may carry on under this one instead of making a span for nothing.
 */
export function unsampledSpanIn(within: Context): Span | undefined {
  const span = trace.getSpan(within);
  const spanContext = span?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return undefined;
  return spanContext.traceFlags & TraceFlags.SAMPLED ? undefined : span;
}

/**
 * Publishes in a `publish <subject>` PRODUCER span (OpenTelemetry's messaging conventions)
 * whose context travels in the headers, so the consumer's `process` span hangs from it;
 * the JetStream sequence the server stored the message at is its message id.
 *
 * Inside a trace that is not sampled, no span is made: none would be recorded (a child
 * follows its parent's decision), and the trace still travels in the headers, under the
 * active span. That is every publish of a service that exports no traces, and making the
 * span, its ids and its context was a tenth of the orchestrator's CPU per dispatched task.
 */
export async function publishTraced<T extends { seq: number }>(
  subject: string,
  attributes: Attributes,
  publish: (headers: MsgHdrs) => Promise<T>,
): Promise<T> {
  if (unsampledSpanIn(context.active())) return publish(injectTrace());
  const tracer = trace.getTracer('@fanout/messaging');
  return tracer.startActiveSpan(
    `publish ${subject}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'publish',
        'messaging.destination.name': subject,
        ...attributes,
      },
    },
    async (span) => {
      try {
        const ack = await publish(injectTrace());
        span.setAttribute('messaging.message.id', String(ack.seq));
        return ack;
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
