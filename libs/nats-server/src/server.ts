import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findNatsServer } from './binary.ts';
import { dockerAnswers, startContainer } from './container.ts';
import { ExternalServer } from './external.ts';
import { LocalServer } from './local.ts';
import { hasJetStream, isHealthy } from './monitor.ts';
import { inUse, pickPorts, START_ATTEMPTS } from './ports.ts';
import { own } from './reaper.ts';
import type { NatsServer, NatsServerOptions } from './types.ts';

/**
 * A NATS server for one test file, from the cheapest source there is: the server NATS_URL
 * names (CI), else a nats-server process of ours on a free loopback port with a fresh store,
 * else a Docker container. Stop it when done (`await using nats = await startNats()`); a
 * process left running is killed when the test process exits anyway.
 */
export async function startNats(options: NatsServerOptions = {}): Promise<NatsServer> {
  const external = process.env['NATS_URL'];
  if (external) return new ExternalServer(external);
  const bin = findNatsServer();
  if (bin) return startLocal(bin, options);
  const pinned = process.env['NATS_SERVER_BIN'];
  if (pinned)
    throw new Error(`NATS_SERVER_BIN=${pinned} is not an executable file; fix or unset it.`);
  if (await dockerAnswers()) return startContainer(options);
  throw new NatsServerNotFoundError(NO_SERVER_FOR_TESTS);
}

/**
 * A nats-server process of ours and nothing else: no NATS_URL, no container. This is the
 * embedded server of `fanout run`, which must be private to the run (its own port and
 * store) and gone when the run ends, however it ends.
 */
export async function startLocalNats(options: NatsServerOptions = {}): Promise<NatsServer> {
  const bin = findNatsServer();
  if (bin) return startLocal(bin, options);
  const pinned = process.env['NATS_SERVER_BIN'];
  const what = pinned
    ? `NATS_SERVER_BIN=${pinned} is not an executable file`
    : 'nats-server was not found on PATH (nor in /usr/sbin, /usr/local/bin or /usr/bin)';
  throw new NatsServerNotFoundError(`${what}. Either:\n${HOW_TO_GET_ONE}`);
}

/** No nats-server to start: the message says how to get one. */
export class NatsServerNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NatsServerNotFoundError';
  }
}

const INSTALL_HINT =
  'install nats-server: `apt-get install nats-server` on Debian/Ubuntu, `brew install nats-server` on macOS, or a release from https://github.com/nats-io/nats-server/releases (NATS_SERVER_BIN=/path/to/nats-server if it is not on PATH)';

const HOW_TO_GET_ONE = [
  `  - ${INSTALL_HINT};`,
  '  - or use NATS servers you already run: --nats nats://host:4222 (or NATS_URL), with the services started there (`fanout up`).',
].join('\n');

const NO_SERVER_FOR_TESTS = [
  'No NATS server for tests: nats-server is not on PATH (nor in /usr/sbin or /usr/local/bin), NATS_URL is unset and no Docker engine answers. Any one of these fixes it:',
  `  - ${INSTALL_HINT};`,
  '  - point the tests at a running server: NATS_URL=nats://127.0.0.1:4222 (started with -js);',
  '  - start Docker, and the tests run nats-server in a container.',
].join('\n');

async function startLocal(bin: string, options: NatsServerOptions): Promise<NatsServer> {
  const keep = options.dir !== undefined;
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'fanout-nats-')));
  if (keep) await mkdir(dir, { recursive: true });
  else own(dir);
  const jetstream = options.jetstream ?? true;
  for (let attempt = 1; ; attempt++) {
    const [port, httpPort] = (await pickPorts(2)) as [number, number];
    const server = new LocalServer({
      bin,
      dir,
      keep,
      port,
      httpPort,
      jetstream,
      maxPayload: options.maxPayload,
      ...(options.include ? { include: resolve(options.include) } : {}),
      args: options.args ?? [],
      ready: async (s) =>
        (await isHealthy(s.monitorUrl)) && (!jetstream || (await hasJetStream(s.monitorUrl))),
    });
    try {
      await server.start();
      return server;
    } catch (error) {
      // Someone took a port between our check and the server's bind: pick others.
      if (inUse(error) && attempt < START_ATTEMPTS) continue;
      await server.stop();
      throw error;
    }
  }
}
