import type { NatsServer } from './types.ts';

/**
 * A server we did not start and must not harm: the one NATS_URL names (a CI service, a
 * developer's own server). stop() leaves it running; kill() and restart() refuse, loudly.
 */
export class ExternalServer implements NatsServer {
  readonly canKill = false;
  readonly monitorUrl = undefined;
  readonly storeDir = undefined;
  readonly pid = undefined;
  readonly url: string;
  readonly port: number;

  constructor(url: string) {
    this.url = url;
    const first = url.split(',')[0]?.trim() ?? '';
    this.port = Number(new URL(first.includes('://') ? first : `nats://${first}`).port || 4222);
  }

  logs(): string[] {
    return [`(no logs: ${this.url} comes from NATS_URL and is not a process of ours)`];
  }

  async kill(): Promise<void> {
    throw this.#refusal('kill');
  }

  async restart(): Promise<void> {
    throw this.#refusal('restart');
  }

  /** Nothing to do: the server outlives every test that borrows it. */
  async stop(): Promise<void> {
    return;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  #refusal(what: string): Error {
    return new Error(
      `Cannot ${what} ${this.url}: NATS_URL is set: the server is not ours to kill. ` +
        'Guard the test with it.skipIf(!nats.canKill), or unset NATS_URL so startNats() spawns its own nats-server.',
    );
  }
}
