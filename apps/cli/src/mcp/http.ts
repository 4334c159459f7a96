import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { Sessions } from './http-sessions';

/** Where and how `fanout mcp --http` listens. */
export interface HttpOptions {
  port: number;
  host: string;
  /** A bearer token every request must carry; none: no check. */
  token?: string;
  /** A session with no request for this long is closed (default an hour). */
  idleMs?: number;
}

/** The one path MCP is served on. */
export const MCP_PATH = '/mcp';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Whether the request carries the token, compared in constant time. */
function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * A page of a site the user visits may post to a loopback server (DNS rebinding): a server
 * on loopback answers only requests addressed to a loopback name.
 */
function addressedHere(req: IncomingMessage, host: string): boolean {
  if (!LOOPBACK.has(host)) return true;
  const name = (req.headers.host ?? '').replace(/:\d+$/, '');
  return LOOPBACK.has(name);
}

function refuse(res: ServerResponse, status: number, message: string, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

/**
 * Serves MCP over Streamable HTTP at `/mcp`: each session (begun by an `initialize`
 * without a session id) gets its own transport and server from `serverFor`, and ends on
 * the client's DELETE, after an hour unused, or when this stops. Resolves once listening,
 * with its URL.
 */
export async function serveHttp(options: HttpOptions, serverFor: () => Server) {
  const idleMs = options.idleMs ?? 3_600_000;
  const sessions = new Sessions<StreamableHTTPServerTransport>(idleMs);
  const sweeper = setInterval(() => void sessions.sweep(), Math.min(idleMs, 60_000)).unref();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://here').pathname;
    if (path !== MCP_PATH) return refuse(res, 404, `MCP is served on ${MCP_PATH}`);
    if (!addressedHere(req, options.host)) return refuse(res, 403, 'not a loopback Host');
    if (!authorized(req, options.token)) {
      return refuse(res, 401, 'a bearer token is needed', { 'www-authenticate': 'Bearer' });
    }
    const sessionId = req.headers['mcp-session-id'];
    if (typeof sessionId === 'string') {
      const known = sessions.get(sessionId);
      if (!known) return refuse(res, 404, 'no such session (it ended)');
      res.once('close', sessions.begin(sessionId));
      return known.handleRequest(req, res);
    }
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => sessions.add(id, transport),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await serverFor().connect(transport);
    await transport.handleRequest(req, res);
  };
  const http = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent)
        refuse(res, 500, error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => resolve());
  });
  const { port } = http.address() as AddressInfo;
  const shown = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shown}:${port}${MCP_PATH}`,
    close: async () => {
      clearInterval(sweeper);
      await sessions.closeAll();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}
