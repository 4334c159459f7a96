import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { dashboardAssets } from './dashboard-assets';
import type { GatewayApi } from './gateway-api';
import type { GatewayOptions } from './gateway.options';
import { HttpError, sendJson } from './http-io';

/** The page every route of the app answers with; the app reads the path itself. */
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fanout</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/app.css"></head>
<body><div id="app"></div><script type="module" src="/app.js"></script></body></html>`;

const logger = new Logger('GatewayServer');

/** The status of an error with a code: what was asked for is not there, or not yet. */
const STATUS_OF_CODE: Record<string, number> = {
  DEAD_LETTER_NOT_FOUND: 404,
  // No orchestrator has created the streams on this NATS server (yet).
  STREAM_MISSING: 503,
};

/**
 * The dashboard's HTTP server: the app's page and assets (no data in them), and the API
 * behind the token when there is one. A handler that throws answers with its message; the
 * server itself goes on.
 */
export class GatewayServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(options: GatewayOptions, api: GatewayApi): Promise<GatewayServer> {
    const server = createServer((request, response) => {
      void serve(request, response, options, api).catch((error: unknown) => {
        const status = statusOf(error);
        const message = error instanceof Error ? error.message : `${error}`;
        if (status >= 500 && status !== 503) {
          const stack = error instanceof Error ? error.stack : undefined;
          logger.error(`${request.method} ${request.url} failed: ${message}`, stack);
        }
        if (response.headersSent) return void response.end();
        sendJson(response, status, { error: message });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const host = ['0.0.0.0', '::'].includes(options.host) ? '127.0.0.1' : options.host;
    return new GatewayServer(server, `http://${host.includes(':') ? `[${host}]` : host}:${port}`);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

async function serve(
  request: IncomingMessage,
  response: ServerResponse,
  options: GatewayOptions,
  api: GatewayApi,
): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://gateway');
  if (url.pathname.startsWith('/api/')) {
    authorise(request, url, options.token);
    return api.handle(request, response, url);
  }
  if (request.method !== 'GET') throw new HttpError(405, `${request.method} is not served here`);
  if (url.pathname === '/app.js' || url.pathname === '/app.css') {
    const assets = await dashboardAssets();
    const js = url.pathname === '/app.js';
    response.writeHead(200, {
      'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8',
    });
    return void response.end(js ? assets.script : assets.style);
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  response.end(PAGE);
}

/** With a token set, an API call carries it: `Authorization: Bearer <token>` or `?token=`. */
function authorise(request: IncomingMessage, url: URL, token: string | undefined): void {
  if (token === undefined) return;
  const header = request.headers.authorization;
  const given = header?.startsWith('Bearer ') ? header.slice(7) : url.searchParams.get('token');
  if (given === null || given === undefined) {
    throw new HttpError(401, 'this gateway asks for a token: Authorization: Bearer <token>');
  }
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new HttpError(401, 'the token does not match FANOUT_UI_TOKEN');
  }
}

function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  const code = (error as { code?: unknown }).code;
  return (typeof code === 'string' && STATUS_OF_CODE[code]) || 500;
}
