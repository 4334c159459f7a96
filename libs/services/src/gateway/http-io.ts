import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request the gateway refuses, with the status and the message the caller sees. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** Starts a Server-Sent Events response; `send` writes one named event with a JSON body. */
export function openEvents(request: IncomingMessage, response: ServerResponse) {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  // A comment now and then keeps proxies from closing a quiet stream.
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  const closed = new Promise<void>((resolve) =>
    request.once('close', () => {
      clearInterval(keepAlive);
      resolve();
    }),
  );
  return {
    send: (name: string, body: unknown) =>
      response.write(`event: ${name}\ndata: ${JSON.stringify(body)}\n\n`),
    closed,
  };
}

/** A whole number from a query parameter, or `fallback` when absent; anything else is named. */
export function intParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new HttpError(400, `query parameter ${name}="${raw}" is not a whole number`);
  }
  return value;
}

/** A required query parameter. */
export function stringParam(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw new HttpError(400, `query parameter ${name} is missing`);
  return value;
}
