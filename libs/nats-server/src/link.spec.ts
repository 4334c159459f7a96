import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RouteLink } from './link.ts';
import { pickPorts } from './ports.ts';

/** Answers every line with the same line, so a test can see bytes go both ways. */
async function echoServer(port: number): Promise<Server> {
  const server = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

/** Connects, sends `text` and resolves with what came back, or with how the socket ended. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.setEncoding('utf8');
    socket.once('data', (data: string) => {
      socket.destroy();
      resolve(data);
    });
    socket.once('error', (e) => resolve(`error ${(e as NodeJS.ErrnoException).code}`));
    socket.once('close', () => resolve('closed'));
  });
}

let link: RouteLink | undefined;
let target: Server | undefined;
afterEach(async () => {
  await link?.close();
  await new Promise((resolve) => (target ? target.close(resolve) : resolve(undefined)));
  link = target = undefined;
});

describe('RouteLink', () => {
  it('relays both ways, drops open connections when cut, refuses new ones until healed', async () => {
    const [linkPort, targetPort] = (await pickPorts(2)) as [number, number];
    target = await echoServer(targetPort);
    link = await RouteLink.open(linkPort, targetPort);
    expect(await roundTrip(linkPort, 'before\n')).toBe('before\n');

    const open: Socket = connect(linkPort, '127.0.0.1');
    await new Promise((resolve) => open.once('connect', resolve));
    const ended = new Promise((resolve) => open.once('close', resolve));
    open.on('error', () => undefined);
    await expect.poll(() => link!.outgoingPorts().length, { timeout: 5_000 }).toBe(1);
    link.cut();
    expect(link.isCut).toBe(true);
    await ended;
    expect(link.outgoingPorts()).toEqual([]);
    expect(await roundTrip(linkPort, 'during\n')).toMatch(/^(closed|error ECONNRESET)$/);

    link.heal();
    expect(await roundTrip(linkPort, 'after\n')).toBe('after\n');
  });

  it('fails to open on a port that is taken, with the port in the error', async () => {
    const [port] = (await pickPorts(1)) as [number];
    target = await echoServer(port);
    await expect(RouteLink.open(port, port)).rejects.toThrow(
      `address already in use 127.0.0.1:${port}`,
    );
  });
});
