import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exchange, type ExchangeOptions } from './exchange';

/** A site that counts its connections and tells when each one closed. */
interface Site {
  origin: string;
  sockets: Socket[];
  /** The paths whose requests reached the server. */
  hits: string[];
  closed(socket: Socket): Promise<void>;
}

const BIG = 'z'.repeat(64 * 1024);

/** Streams `chunks` of 64 KiB (or until the client goes away), with a status. */
function stream(res: ServerResponse, status: number, chunks: number): void {
  res.writeHead(status, { 'content-type': 'text/plain' });
  let sent = 0;
  const more = () => {
    while (sent < chunks && !res.destroyed && res.write(BIG)) sent += 1;
    if (sent >= chunks) res.end();
    else if (!res.destroyed) res.once('drain', more);
  };
  more();
}

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/small': (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello'),
  '/error-page': (_req, res) =>
    res.writeHead(500, { 'content-type': 'text/html' }).end('x'.repeat(2000)),
  '/huge-error': (_req, res) => stream(res, 500, 160),
  '/huge': (_req, res) => stream(res, 200, 160),
  '/slow': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first part, then nothing for a while');
    setTimeout(() => res.end(), 500).unref();
  },
};

const keepSuccess: ExchangeOptions['keepBody'] = (status) => status >= 200 && status < 300;
const options = (maxBytes = 1_000_000): ExchangeOptions => ({
  headers: { 'user-agent': 'test' },
  maxBytes,
  keepBody: keepSuccess,
});
const never = () => new AbortController().signal;

describe('exchange', () => {
  let server: Server;
  let site: Site;
  let agent: Agent;

  beforeAll(async () => {
    const sockets: Socket[] = [];
    const hits: string[] = [];
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      routes[req.url ?? '']?.(req, res);
    });
    server.on('connection', (socket: Socket) => sockets.push(socket));
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    site = {
      origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      sockets,
      hits,
      closed: (socket) =>
        socket.destroyed ? Promise.resolve() : new Promise((done) => socket.once('close', done)),
    };
  });

  afterEach(async () => {
    await agent.close();
    site.sockets.length = 0;
    site.hits.length = 0;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });

  const url = (path: string) => new URL(path, site.origin);

  it('reads a body whole and keeps the connection for the next request', async () => {
    agent = new Agent({ connections: 1 });
    const first = await exchange(agent, url('/small'), options(), never());
    const second = await exchange(agent, url('/small'), options(), never());
    expect(first).toMatchObject({ status: 200, truncated: false });
    expect(first.headers['content-type']).toBe('text/plain');
    expect(first.body.toString()).toBe('hello');
    expect(second.body.toString()).toBe('hello');
    expect(site.sockets).toHaveLength(1);
  });

  it('drains a small body it does not keep, and reuses the connection', async () => {
    agent = new Agent({ connections: 1 });
    const failed = await exchange(agent, url('/error-page'), options(), never());
    const next = await exchange(agent, url('/small'), options(), never());
    expect(failed).toMatchObject({ status: 500, truncated: false });
    expect(failed.body).toHaveLength(0);
    expect(next.body.toString()).toBe('hello');
    expect(site.sockets).toHaveLength(1);
  });

  it('drops the connection rather than drain a long body it does not keep', async () => {
    agent = new Agent({ connections: 1 });
    const failed = await exchange(agent, url('/huge-error'), options(), never());
    expect(failed.status).toBe(500);
    expect(failed.body).toHaveLength(0);
    await site.closed(site.sockets[0] as Socket); // 10 MiB were on offer; the client hung up
  });

  it('cuts a body at maxBytes, marks it truncated and stops the transfer', async () => {
    agent = new Agent({ connections: 1 });
    const cut = await exchange(agent, url('/huge'), options(100_000), never());
    expect(cut).toMatchObject({ status: 200, truncated: true });
    expect(cut.body).toHaveLength(100_000);
    expect(cut.body.toString()).toBe('z'.repeat(100_000));
    await site.closed(site.sockets[0] as Socket);
  });

  it('rejects with the signal’s reason when aborted mid-body, and closes the connection', async () => {
    agent = new Agent({ connections: 1 });
    const controller = new AbortController();
    const pending = exchange(agent, url('/slow'), options(), controller.signal);
    await expect.poll(() => site.hits).toContain('/slow');
    const reason = new Error('the caller gave up');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await site.closed(site.sockets[0] as Socket);
  });

  it('sends nothing when the signal has already aborted', async () => {
    agent = new Agent({ connections: 1 });
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(exchange(agent, url('/small'), options(), controller.signal)).rejects.toThrow(
      'too late',
    );
    expect(site.hits).toEqual([]);
  });

  it('gives up on a request still queued for a connection at once, and never sends it', async () => {
    agent = new Agent({ connections: 1, pipelining: 1 });
    const busy = exchange(agent, url('/slow'), options(), never());
    await expect.poll(() => site.hits).toContain('/slow');
    const controller = new AbortController();
    const queued = exchange(agent, url('/small'), options(), controller.signal);
    controller.abort(new Error('no longer wanted'));
    await expect(queued).rejects.toThrow('no longer wanted');
    expect((await busy).status).toBe(200);
    const after = await exchange(agent, url('/small'), options(), never());
    expect(after.body.toString()).toBe('hello');
    expect(site.hits).toEqual(['/slow', '/small']);
  });

  it('rejects at once when the pool is closed', async () => {
    agent = new Agent({ connections: 1 });
    const closed = new Agent({ connections: 1 });
    await closed.close();
    await expect(exchange(closed, url('/small'), options(), never())).rejects.toThrow(
      /destroyed|closed/i,
    );
    expect(site.hits).toEqual([]);
  });
});
