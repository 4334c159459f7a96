import {
  errors,
  RequestError,
  type Msg,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import {
  ErrorCode,
  subjects,
  toFanoutError,
  type FanoutError,
  type Subjects,
} from '@fanout/contracts';
import type { z } from 'zod';
import { InvalidMessageError, RemoteError } from '../errors';
import { decode, encode, validate } from '../channels/codec';
import { encodeJson, errorHeaders, readReply } from './rpc-wire';
import { injectTrace } from '../tracing/propagation';

/**
 * Both ends of one request-response method, `<prefix>.rpc.<service>.<method>`, with the
 * contracts of what goes each way. Caller and responder import the same endpoint, so
 * they cannot disagree on the subject or the shapes.
 */
export interface Endpoint<Req extends z.ZodType, Res extends z.ZodType> {
  service: string;
  method: string;
  request: Req;
  response: Res;
}

/** Declares an endpoint; see {@link Endpoint}. */
export function endpoint<Req extends z.ZodType, Res extends z.ZodType>(
  service: string,
  method: string,
  request: Req,
  response: Res,
): Endpoint<Req, Res> {
  return { service, method, request, response };
}

/** Code of a request nobody is serving (no responder subscribed); the NestJS transport's too. */
export const NO_RESPONDERS = 'NO_RESPONDERS';

/** A running responder. */
export interface Responder {
  /** Stops taking requests and resolves once those being answered are answered. */
  stop(): Promise<void>;
}

export interface ServeOptions {
  names?: Subjects;
  /** Replicas in the same queue group share requests; default the service name. `null`: every responder hears every request. */
  queue?: string | null;
  /** A request that cannot be answered (it has no reply subject). Default `process.emitWarning`. */
  onError?: (error: Error) => void;
}

/**
 * Answers requests on an endpoint. Each request is validated, handled concurrently with
 * the others, and answered with the result (validated too) or with the handler's error as
 * a `FanoutError`, cause chain included: a caller never waits out a timeout because a
 * handler failed. The reply is the wire of every `rpc` subject (`rpc-wire.ts`): the
 * result as JSON, or a `Fanout-Error` header and the error as JSON, so one convention
 * holds on every `rpc` subject and any NATS client can read it.
 */
export async function serve<Req extends z.ZodType, Res extends z.ZodType>(
  connection: NatsConnection,
  point: Endpoint<Req, Res>,
  handler: (request: z.output<Req>, message: Msg) => Promise<z.input<Res>>,
  options: ServeOptions = {},
): Promise<Responder> {
  const subject = (options.names ?? subjects()).rpc(point.service, point.method);
  const queue = options.queue === undefined ? point.service : (options.queue ?? undefined);
  const onError = options.onError ?? ((error: Error) => process.emitWarning(error));
  const subscription: Subscription = connection.subscribe(subject, queue ? { queue } : {});
  await connection.flush();
  const answering = new Set<Promise<void>>();

  const answer = async (message: Msg) => {
    let result: unknown;
    let failure: FanoutError | undefined;
    try {
      const request = decode(point.request, message.data, message.subject);
      result = validate(point.response, await handler(request, message), `reply of ${subject}`);
    } catch (error) {
      const fallback = error instanceof InvalidMessageError ? error.code : ErrorCode.Internal;
      failure = toFanoutError(error, fallback);
    }
    if (!message.reply) {
      onError(new Error(`a message on ${subject} had no reply subject; its answer was not sent`));
      return;
    }
    if (failure) {
      message.respond(encodeJson(failure), { headers: errorHeaders(failure, injectTrace()) });
    } else {
      message.respond(encodeJson(result), { headers: injectTrace() });
    }
  };

  const loop = (async () => {
    for await (const message of subscription) {
      const task = answer(message).finally(() => answering.delete(task));
      answering.add(task);
    }
  })();

  return {
    stop: async () => {
      if (!subscription.isClosed()) await subscription.drain();
      await loop;
      await Promise.allSettled([...answering]);
    },
  };
}

/**
 * Calls an endpoint and returns its validated result. Every failure is a
 * {@link RemoteError} carrying a `FanoutError`: the responder's own error as it sent it,
 * `TIMEOUT` when no answer came within `timeoutMs`, `NO_RESPONDERS` when nobody serves it.
 */
export async function call<Req extends z.ZodType, Res extends z.ZodType>(
  connection: NatsConnection,
  point: Endpoint<Req, Res>,
  payload: z.input<Req>,
  options: { names?: Subjects; timeoutMs?: number } = {},
): Promise<z.output<Res>> {
  const subject = (options.names ?? subjects()).rpc(point.service, point.method);
  const { data } = encode(point.request, payload, subject);
  const value = await request(connection, subject, data, options.timeoutMs ?? 5_000);
  return validate(point.response, value, `reply of ${subject}`);
}

/**
 * Sends a request on any `rpc` subject and reads the reply (`rpc-wire.ts`): the value, or
 * a {@link RemoteError} — the responder's own error, `TIMEOUT` when no answer came within
 * `timeoutMs`, `NO_RESPONDERS` when nobody serves the subject. `call()` and the NestJS
 * client both send through here, so a failure reads the same whichever way it was asked.
 */
export async function request(
  connection: NatsConnection,
  subject: string,
  data: Uint8Array,
  timeoutMs: number,
): Promise<unknown> {
  let message: Msg;
  try {
    message = await connection.request(subject, data, {
      timeout: timeoutMs,
      headers: injectTrace(),
    });
  } catch (error) {
    throw new RemoteError(subject, failureOf(error, subject, timeoutMs), { cause: error });
  }
  const reply = readReply(subject, message);
  if (!reply.ok) throw new RemoteError(subject, reply.error);
  return reply.value;
}

function failureOf(error: unknown, subject: string, timeoutMs: number): FanoutError {
  const cause = error instanceof RequestError ? error.cause : error;
  if (
    (error instanceof RequestError && error.isNoResponders()) ||
    cause instanceof errors.NoRespondersError
  ) {
    const message = `no service answers on ${subject}: is it running?`;
    return { code: NO_RESPONDERS, message, retryable: true };
  }
  if (cause instanceof errors.TimeoutError || error instanceof errors.TimeoutError) {
    const message = `no reply to ${subject} within ${timeoutMs} ms`;
    return { code: ErrorCode.Timeout, message, retryable: true };
  }
  return toFanoutError(error);
}
