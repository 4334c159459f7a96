import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebFetcher } from './fetcher';

const ctx = { signal: new AbortController().signal };
const fetchOf = (url: string) => ({
  url,
  extract: 'text' as const,
  maxBytes: 1_000_000,
  timeoutMs: 5_000,
});

/**
 * What a broken or hostile server sends, byte for byte, by path: a raw TCP server, since
 * a proper HTTP server would not send most of it.
 */
const ANSWERS: Record<string, (socket: Socket) => void> = {
  '/noise': (socket) => socket.end(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x0d, 0x0a, 0x0d])),
  '/bad-status': (socket) => socket.end('HTTP/1.1 abc Nope\r\ncontent-length: 0\r\n\r\n'),
  '/bad-header': (socket) =>
    socket.end('HTTP/1.1 200 OK\r\ncontent-type: text/html\r\nno colon here\r\n\r\nhello'),
  '/cut-short': (socket) => {
    socket.write(
      'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 1000\r\n\r\n<p>only',
    );
    setTimeout(() => socket.destroy(), 20);
  },
  '/bad-chunks': (socket) =>
    socket.end(
      'HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
    ),
  '/binary-as-html': (socket) => {
    const body = Buffer.from([
      0x3c, 0x70, 0x3e, 0xc3, 0x28, 0xff, 0xfe, 0x00, 0x41, 0x3c, 0x2f, 0x70, 0x3e,
    ]);
    socket.end(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=no-such-charset\r\ncontent-length: ${body.length}\r\n\r\n`,
        ),
        body,
      ]),
    );
  },
};

describe('web.fetch against garbage', () => {
  let server: Server;
  let origin: string;
  const fetcher = new WebFetcher({ allow: ['127.0.0.0/8'], politenessDelayMs: 0, robots: false });

  beforeAll(async () => {
    server = createTcpServer((socket) => {
      socket.once('data', (request) => {
        const path = /^GET (\S+)/.exec(request.toString('latin1'))?.[1] ?? '';
        (ANSWERS[path] ?? ((s: Socket) => s.destroy()))(socket);
      });
      socket.on('error', () => undefined);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await fetcher.close();
    await new Promise((done) => server.close(done));
  });

  it.each(['/noise', '/bad-status', '/bad-header', '/cut-short', '/bad-chunks'])(
    'turns %s into a retryable NETWORK error naming the URL',
    async (path) => {
      await expect(fetcher.fetch(fetchOf(`${origin}${path}`), ctx)).rejects.toMatchObject({
        code: 'NETWORK',
        retryable: true,
        message: expect.stringContaining(`${origin}${path}`),
      });
    },
  );

  it('reads bytes that are not text in the charset claimed as text, with replacement characters', async () => {
    const page = await fetcher.fetch(fetchOf(`${origin}/binary-as-html`), ctx);
    expect(page.status).toBe(200);
    expect(page.bytes).toBe(13);
    expect(page.text).toContain('\ufffd');
    expect(page.text).toContain('A');
  });
});
