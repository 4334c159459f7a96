import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A route's handler in a test server. */
export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server a test started and must close. */
export interface TestServer {
  origin: string;
  port: number;
  hits: string[];
  close(): Promise<void>;
}

/**
 * Serves `routes` (by path, without query) on `host` — 127.0.0.1 or any other loopback
 * address, so one test can play several sites — and records every path asked for.
 * Unknown paths answer 404, which for `/robots.txt` means "no rules".
 */
export async function serve(
  routes: Record<string, Handler>,
  host = '127.0.0.1',
  port = 0,
): Promise<TestServer> {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits.push(req.url ?? '/');
    const handler = routes[path];
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  const actual = (server.address() as AddressInfo).port;
  return {
    origin: `http://${host}:${actual}`,
    port: actual,
    hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A handler answering `body` (text, or bytes as they are) as HTML (or `type`) with extra headers. */
export function page(
  body: string | Buffer,
  type = 'text/html; charset=utf-8',
  headers: Record<string, string> = {},
): Handler {
  return (_req, res) => res.writeHead(200, { 'content-type': type, ...headers }).end(body);
}

/** A handler answering a redirect to `location`. */
export function redirect(location: string, status = 302): Handler {
  return (_req, res) => res.writeHead(status, { location }).end();
}
