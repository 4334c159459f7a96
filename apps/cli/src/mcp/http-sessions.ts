/** What a session holds open: its transport. */
interface Closable {
  close(): Promise<void>;
}

interface Session<T> {
  transport: T;
  /** Requests of the session still open (a client's GET stream stays open while it listens). */
  open: number;
  lastSeen: number;
}

/**
 * The live MCP sessions of an HTTP server. A client may vanish without the DELETE that
 * ends its session, so a session with no request open and none for `idleMs` is closed by
 * `sweep`; a client still there finds it gone (404) and begins a new one.
 */
export class Sessions<T extends Closable> {
  private readonly byId = new Map<string, Session<T>>();

  constructor(
    private readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  add(id: string, transport: T): void {
    this.byId.set(id, { transport, open: 0, lastSeen: this.now() });
  }

  get(id: string): T | undefined {
    return this.byId.get(id)?.transport;
  }

  delete(id: string): void {
    this.byId.delete(id);
  }

  /** Marks a request of the session begun; the function returned marks it ended. */
  begin(id: string): () => void {
    const session = this.byId.get(id);
    if (!session) return () => undefined;
    session.open++;
    session.lastSeen = this.now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      session.open--;
      session.lastSeen = this.now();
    };
  }

  /** Closes every session idle for `idleMs`; resolves with how many. */
  async sweep(): Promise<number> {
    const idle = [...this.byId].filter(
      ([, session]) => session.open === 0 && this.now() - session.lastSeen >= this.idleMs,
    );
    for (const [id] of idle) this.byId.delete(id);
    await Promise.allSettled(idle.map(([, session]) => session.transport.close()));
    return idle.length;
  }

  /** Closes them all: the server is stopping. */
  async closeAll(): Promise<void> {
    const all = [...this.byId.values()];
    this.byId.clear();
    await Promise.allSettled(all.map((session) => session.transport.close()));
  }
}
