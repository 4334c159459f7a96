import { Logger } from '@nestjs/common';
import { ClientProxy, type ReadPacket, type WritePacket } from '@nestjs/microservices';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Command } from '@fanout/contracts';
import { from, type Observable } from 'rxjs';
import type { z } from 'zod';
import { CommandBus, type CommandReceipt } from '../channels/command-bus';
import { InvalidMessageError } from '../errors';
import { request } from '../primitives/request-response';
import type { JetStreamClientOptions } from './jetstream.options';
import { INSTRUMENTATION, commandPattern, patternText, rpcSubject } from './patterns';
import { encodeJson } from '../primitives/rpc-wire';
import { openTransportConnection, type TransportConnection } from './transport-connection';

type Status = 'connected' | 'closed';
type Ready = TransportConnection & { bus: CommandBus };

/**
 * The caller's side of the JetStream transport, for `@Inject`-ed use in any Nest service.
 * `emit('<command>', command)` puts a command on the bus (validated, deduplicated by
 * `commandId`, `BusFullError` when the bus is full) and yields its receipt; await it
 * (`lastValueFrom`) so a refusal is seen. `send('<service>.<method>', data)` is a request
 * over core NATS that yields the reply, or fails with a `RemoteError` whose code says
 * why: `TIMEOUT`, `NO_RESPONDERS`, or the responder's own error, cause chain included
 * (the same error `call()` of the request-response primitive throws). A handler that
 * returns nothing replies `null`.
 */
export class JetStreamClient extends ClientProxy<Record<never, never>, Status> {
  private readonly logger = new Logger(JetStreamClient.name);
  private ready: Promise<Ready> | undefined;
  private current: Ready | undefined;

  constructor(private readonly options: JetStreamClientOptions = {}) {
    super();
  }

  async connect(): Promise<NatsConnection> {
    return (await this.connected()).connection;
  }

  /** Drains a connection the client opened itself; a lent one is left open. */
  async close(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    this.current = undefined;
    const transport = await ready?.catch(() => undefined);
    if (transport?.owned && !transport.connection.isClosed()) await transport.connection.drain();
    this._status$.next('closed');
  }

  unwrap<T = NatsConnection>(): T {
    if (!this.current) throw new Error('JetStreamClient: not connected; call connect() first');
    return this.current.connection as T;
  }

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    let cancelled = false;
    this.request(packet).then(
      (response) => cancelled || callback({ response, isDisposed: true }),
      (err: unknown) => cancelled || callback({ err }),
    );
    return () => {
      cancelled = true;
    };
  }

  /**
   * Publishes at once, like Nest's own `emit` (hot: it happens whether or not anyone
   * subscribes), without its connect-then-dispatch stream: on the command path every
   * microtask shows in the latency.
   */
  override emit<TResult = CommandReceipt, TInput = unknown>(
    pattern: unknown,
    data: TInput,
  ): Observable<TResult> {
    const sent = this.dispatchEvent<TResult>(this.createPacket(pattern, data));
    sent.catch(() => undefined); // the subscriber gets the error; dispatchEvent logged it
    return from(sent);
  }

  protected async dispatchEvent<T = CommandReceipt>(packet: ReadPacket): Promise<T> {
    const { bus, names } = this.current ?? (await this.connected());
    const pattern = commandPattern(patternText(packet.pattern));
    const command = packet.data as z.input<typeof Command>;
    if (command?.type !== pattern) {
      throw new InvalidMessageError(names.commands(), [
        `emit('${pattern}') was given a command of type '${String(command?.type)}'`,
      ]);
    }
    const own = (command as { priority?: unknown }).priority !== undefined;
    // The bus publishes in a `publish <subject>` producer span of its own.
    try {
      const receipt = await bus.publish(
        command,
        own ? {} : { priority: this.options.defaultPriority },
      );
      return receipt as T;
    } catch (error) {
      // emit() is hot: if the caller does not subscribe, this line is all that is left.
      this.logger.warn(`emit('${pattern}') of ${command.commandId} failed: ${String(error)}`);
      throw error;
    }
  }

  private async request(packet: ReadPacket): Promise<unknown> {
    const { connection, names } = this.current ?? (await this.connected());
    const subject = rpcSubject(names, patternText(packet.pattern));
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    return this.traced(`call ${subject}`, SpanKind.CLIENT, async () => {
      const value = await request(connection, subject, encodeJson(packet.data), timeoutMs);
      return value ?? null;
    });
  }

  private connected(): Promise<Ready> {
    this.ready ??= openTransportConnection(this.options).then(
      (transport) => {
        this.current = { ...transport, bus: new CommandBus(transport.connection, transport.names) };
        this._status$.next('connected');
        return this.current;
      },
      (error: unknown) => {
        this.ready = undefined;
        throw error;
      },
    );
    return this.ready;
  }

  private traced<T>(name: string, kind: SpanKind, work: () => Promise<T>): Promise<T> {
    return trace.getTracer(INSTRUMENTATION).startActiveSpan(name, { kind }, async (span: Span) => {
      try {
        return await work();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
        throw error;
      } finally {
        span.end();
      }
    });
  }
}
