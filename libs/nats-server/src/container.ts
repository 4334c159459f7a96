import { renderConfig } from './config.ts';
import type { NatsServer, NatsServerOptions } from './types.ts';

type Testcontainers = typeof import('testcontainers');
type Started = Awaited<ReturnType<InstanceType<Testcontainers['GenericContainer']>['start']>>;

/** Same minor as the Debian nats-server the project is developed against. */
const DEFAULT_IMAGE = 'nats:2.9.10-alpine';
const CONFIG_IN_CONTAINER = '/etc/fanout-nats.conf';

/**
 * Whether a Docker (or compatible) engine answers. Loads testcontainers lazily, so machines
 * with a nats-server binary never pay for it.
 */
export async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs nats-server in a container, for machines with Docker but no binary. Not
 * @testcontainers/nats's NatsContainer: it always adds `--user test --pass test`, and a
 * NATS client cannot take credentials from a URL, so `url` alone would not connect. The
 * image is `NATS_IMAGE` when set. Containers are not killable here (`canKill` false).
 */
export async function startContainer(options: NatsServerOptions): Promise<NatsServer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const config = renderConfig({
    port: 4222,
    httpPort: 8222,
    storeDir: options.jetstream === false ? undefined : '/data',
    maxPayload: options.maxPayload,
  }).replaceAll('127.0.0.1', '0.0.0.0'); // published ports arrive from outside the container
  const container = await new GenericContainer(process.env['NATS_IMAGE'] ?? DEFAULT_IMAGE)
    .withCopyContentToContainer([{ content: config, target: CONFIG_IN_CONTAINER }])
    .withCommand(['-c', CONFIG_IN_CONTAINER, ...(options.args ?? [])])
    .withExposedPorts(4222, 8222)
    .withWaitStrategy(Wait.forHttp('/healthz', 8222).forStatusCode(200))
    .withStartupTimeout(120_000)
    .start();
  return new ContainerServer(container);
}

class ContainerServer implements NatsServer {
  readonly canKill = false;
  readonly storeDir = undefined;
  readonly pid = undefined;
  readonly url: string;
  readonly port: number;
  readonly monitorUrl: string;
  readonly #container: Started;
  #stopped = false;

  constructor(container: Started) {
    this.#container = container;
    const host = container.getHost();
    this.port = container.getMappedPort(4222);
    this.url = `nats://${host}:${this.port}`;
    this.monitorUrl = `http://${host}:${container.getMappedPort(8222)}`;
  }

  logs(): string[] {
    return [`(see \`docker logs ${this.#container.getId()}\`)`];
  }

  async kill(): Promise<void> {
    throw this.#refusal('kill');
  }

  async restart(): Promise<void> {
    throw this.#refusal('restart');
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#container.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #refusal(what: string): Error {
    return new Error(
      `Cannot ${what} ${this.url}: it runs in a Docker container, which this harness does not crash or restart. ` +
        'Guard the test with it.skipIf(!nats.canKill), or install nats-server so startNats() spawns a process.',
    );
  }
}
