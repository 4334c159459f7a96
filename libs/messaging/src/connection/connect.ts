import { readFileSync } from 'node:fs';
import { setSha256Backend } from '@nats-io/obj';
import {
  connect,
  credsAuthenticator,
  nkeyAuthenticator,
  type NatsConnection,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import { Backoff, BACKOFF } from '../backoff';
import type { NatsConfig } from './nats-config';
import { permissionDenied } from './permission-denied';
import { coalesceWrites } from './coalesced-writes';
import { settleRepliesWithoutErrors } from './request-replies';

/** Where connection events are written; any logger with these methods fits (pino does). */
export interface ConnectionLogger {
  info(message: string): void;
  warn(message: string): void;
  /** Refusals by the server (permissions); `warn` when absent. */
  error?(message: string): void;
}

/** Turns the validated config into client options; files are read here, once. */
export function connectionOptions(
  config: NatsConfig,
  backoff = new Backoff(BACKOFF.reconnect),
): NodeConnectionOptions {
  const options: NodeConnectionOptions = {
    servers: config.servers,
    name: config.name,
    // A service never gives up on NATS: it keeps trying, with backoff, until it is stopped.
    maxReconnectAttempts: -1,
    // The client would otherwise build an Error (with a stack) for every request and
    // publish ack, to point at the caller if it fails: a real cost at thousands per second.
    noAsyncTraces: true,
    waitOnFirstConnect: true,
    user: config.user,
    pass: config.pass,
    token: config.token,
    ...(config.inboxPrefix ? { inboxPrefix: config.inboxPrefix } : {}),
  };
  options.reconnectDelayHandler = () => backoff.next();
  if (config.nkeySeed)
    options.authenticator = nkeyAuthenticator(new TextEncoder().encode(config.nkeySeed));
  if (config.credsFile) options.authenticator = credsAuthenticator(readFileSync(config.credsFile));
  if (config.tls) {
    options.tls = {
      caFile: config.tls.caFile,
      certFile: config.tls.certFile,
      keyFile: config.tls.keyFile,
    };
  }
  return options;
}

/**
 * Connects to NATS and logs every change of the connection's state, so an operator can
 * see a disconnect and the reconnect that followed in the service's own log.
 */
export async function connectNats(
  config: NatsConfig,
  logger?: ConnectionLogger,
  {
    waitForServer = true,
  }: {
    /**
     * A service waits, however long, for a server to answer its first connect (it may
     * start before NATS). A client that has just seen the server answer (`probeNats`) does
     * not: a refusal (wrong credentials, no client certificate) fails it at once instead
     * of after rounds of reconnect pauses.
     */
    waitForServer?: boolean;
  } = {},
): Promise<NatsConnection> {
  // The Object Store hashes every object it puts and gets; its default SHA-256 is pure
  // JavaScript (for browsers), some twenty times slower than node:crypto on large results (20 MB: 265 ms against 12 ms).
  setSha256Backend('native');
  settleRepliesWithoutErrors();
  coalesceWrites();
  // Starts over once a reconnect succeeds, so the next outage begins with short pauses.
  const backoff = new Backoff(BACKOFF.reconnect);
  const connection = await connect({
    ...connectionOptions(config, backoff),
    waitOnFirstConnect: waitForServer,
  });
  logger?.info(`connected to NATS at ${connection.getServer()}`);
  void (async () => {
    for await (const status of connection.status()) {
      if (status.type === 'reconnect') backoff.reset();
      if (!logger || status.type === 'ping' || status.type === 'update') continue;
      if (status.type === 'error') {
        // The server refused something: the caller's request fails with it too, but a
        // refused plain publish or subscription has no caller to tell, so it is said here.
        const refused = permissionDenied(status.error, config);
        if (refused) {
          (logger.error ?? logger.warn).call(logger, refused.message);
          continue;
        }
      }
      const detail = 'server' in status ? ` ${String(status.server)}` : '';
      const line = `NATS ${status.type}${detail}`;
      // We reconnect forever, so a close is always our own drain or close: not a warning.
      if (status.type === 'reconnect' || status.type === 'close') logger.info(line);
      else logger.warn(line);
    }
  })();
  return connection;
}
