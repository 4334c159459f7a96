import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FanoutMetrics } from '@fanout/telemetry';

/** Where the health and metrics endpoints listen, from `FANOUT_HTTP_PORT` / `FANOUT_HTTP_HOST`. */
export interface HealthOptions {
  /** 9464 by default (Prometheus' exporter range); 0 picks a free port; undefined: none. */
  port: number | undefined;
  host: string;
}

/** The port and host of the endpoints; a value that cannot be read is named, not ignored. */
export function healthOptionsFromEnv(env: NodeJS.ProcessEnv): HealthOptions {
  const raw = env['FANOUT_HTTP_PORT'];
  const host = env['FANOUT_HTTP_HOST'] || '0.0.0.0';
  if (raw === 'off') return { port: undefined, host };
  if (raw === undefined || raw === '') return { port: DEFAULT_PORT, host };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`FANOUT_HTTP_PORT "${raw}" is not a port (0 for any free one, or "off")`);
  }
  return { port, host };
}

const DEFAULT_PORT = 9464;

/** What the endpoints ask of the process. */
export interface HealthSource {
  /** Every service booted and connected, and none draining. */
  ready(): boolean;
  metrics: FanoutMetrics;
}

/**
 * `GET /healthz` (the process answers: alive), `GET /readyz` (200 when it takes work, 503
 * while it starts or drains) and `GET /metrics` (Prometheus text) for every service of the
 * process, on one port. Kubernetes probes and Prometheus read them.
 */
export class HealthServer {
  private constructor(
    private readonly server: Server,
    /** The URL it serves on (the port chosen, for port 0). */
    readonly url: string,
  ) {}

  static async start(options: HealthOptions, source: HealthSource): Promise<HealthServer> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET') return void response.writeHead(405).end();
      if (path === '/healthz') return void response.writeHead(200).end('ok\n');
      if (path === '/readyz') {
        const ready = source.ready();
        return void response.writeHead(ready ? 200 : 503).end(ready ? 'ready\n' : 'not ready\n');
      }
      if (path === '/metrics') {
        void source.metrics.text().then(
          (text) =>
            response.writeHead(200, { 'content-type': source.metrics.contentType }).end(text),
          (error: unknown) => response.writeHead(500).end(`${String(error)}\n`),
        );
        return;
      }
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const shown = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
    return new HealthServer(server, `http://${shown}:${port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}
