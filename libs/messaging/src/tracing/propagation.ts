import {
  context,
  propagation,
  type Context,
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
