import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * One direction of a cluster route, relayed through a loopback port of its own: the dialing
 * node connects here, and we pass the bytes on to the other node's real route port. Cutting
 * the link is what a network partition does to it: every open connection drops and new
 * ones are closed as soon as they arrive, until it is healed.
 */
export class RouteLink {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;
  /** Where the dialing node connects. */
  readonly port: number;
  /** The real route port of the node dialed. */
  readonly target: number;

  private constructor(server: Server, port: number, target: number) {
    this.#server = server;
    this.port = port;
    this.target = target;
  }

  /** Listens on `port` and relays every connection to `target`, both on 127.0.0.1. */
  static open(port: number, target: number): Promise<RouteLink> {
    return new Promise((resolve, reject) => {
      const server = createServer();
      const link = new RouteLink(server, port, target);
      server.on('connection', (socket) => link.#relay(socket));
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        server.unref(); // a forgotten cluster must not hold the test process open
        resolve(link);
      });
    });
  }

  /** Whether the link is cut right now. */
  get isCut(): boolean {
    return this.#cut;
  }

  /** Drops every relayed connection and refuses new ones until {@link heal}. */
  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  heal(): void {
    this.#cut = false;
  }

  /** Local ports of the connections we made to the target: who the target sees dialing in. */
  outgoingPorts(): number[] {
    return [...this.#sockets].flatMap((s) =>
      s.remotePort === this.target && s.localPort !== undefined ? [s.localPort] : [],
    );
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #relay(inbound: Socket): void {
    if (this.#cut) {
      inbound.destroy();
      return;
    }
    const outbound = connect(this.target, '127.0.0.1');
    for (const socket of [inbound, outbound]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      // Either end going away ends the pair; a reset is what a route sees in a partition too.
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.pipe(outbound);
    outbound.pipe(inbound);
  }
}
