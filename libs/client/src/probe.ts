import { connect } from 'node:net';
import { ConnectionError } from './errors';

/** Host and port of a NATS URL (`nats://host:port`, `host:port` or `host`). */
function endpoint(url: string): { host: string; port: number } {
  const parsed = new URL(url.includes('://') ? url : `nats://${url}`);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || 4222) };
}

/** Whether a TCP connection to `url` opens within `timeoutMs`. */
function reachable(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let socket: ReturnType<typeof connect>;
    try {
      socket = connect(endpoint(url));
    } catch {
      resolve(false);
      return;
    }
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Whether any of the servers accepts a TCP connection. The shared NATS connector retries
 * forever (right for a service); a client asks first so that "server down" fails fast.
 */
export async function anyReachable(servers: ReadonlyArray<string>, timeoutMs: number) {
  const answers = await Promise.all(servers.map((url) => reachable(url, timeoutMs)));
  return answers.some(Boolean);
}

/**
 * Fails fast with {@link ConnectionError} unless one of the servers answers: the check
 * `FanoutClient.connect` and `fanout up` make before handing NATS to a connector that
 * would otherwise wait for it forever.
 */
export async function probeNats(servers: ReadonlyArray<string>, timeoutMs: number) {
  if (!(await anyReachable(servers, timeoutMs))) {
    throw new ConnectionError(servers, 'connection refused or timed out');
  }
}
