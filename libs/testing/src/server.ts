import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  throw new Error(NO_SERVER);
}

const NO_SERVER = [
  'No NATS server for tests: nats-server is not on PATH (nor in /usr/sbin or /usr/local/bin), NATS_URL is unset and no Docker engine answers. Any one of these fixes it:',
  '  - install nats-server: `apt-get install nats-server` on Debian/Ubuntu, or download a release from https://github.com/nats-io/nats-server/releases (NATS_SERVER_BIN=/path/to/nats-server if it is not on PATH);',
  '  - point the tests at a running server: NATS_URL=nats://127.0.0.1:4222 (started with -js);',
  '  - start Docker, and the tests run nats-server in a container.',
].join('\n');

async function startLocal(bin: string, options: NatsServerOptions): Promise<NatsServer> {
  const dir = await mkdtemp(join(tmpdir(), 'fanout-nats-'));
  own(dir);
  const jetstream = options.jetstream ?? true;
  for (let attempt = 1; ; attempt++) {
    const [port, httpPort] = (await pickPorts(2)) as [number, number];
    const server = new LocalServer({
      bin,
      dir,
      port,
      httpPort,
      jetstream,
      maxPayload: options.maxPayload,
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
