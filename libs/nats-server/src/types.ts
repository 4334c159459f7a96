/**
 * One NATS server as a test sees it, whoever runs it: a process we spawned, a server named
 * by NATS_URL, or a container. Tests that crash or restart the server must check
 * {@link NatsServer.canKill} first (`it.skipIf(!nats.canKill)`), because only the first kind
 * can be crashed on purpose.
 */
export interface NatsServer extends AsyncDisposable {
  /** Client URL. Stays the same across restarts, so connected clients reconnect on their own. */
  readonly url: string;
  /** Client port; part of {@link url}, broken out for tests that talk raw TCP. */
  readonly port: number;
  /** Base URL of the HTTP monitor (`/healthz`, `/jsz`, `/connz`), when we know it. */
  readonly monitorUrl: string | undefined;
  /** JetStream store dir on this machine; it survives kill() and restart(), not stop(). */
  readonly storeDir: string | undefined;
  /** OS process id while a process of ours is running, so a test can prove it is gone. */
  readonly pid: number | undefined;
  /** False when the server is not a process of ours: kill() and restart() would throw. */
  readonly canKill: boolean;
  /** Recent server output, newest last, for the message of a test that failed. */
  logs(): string[];
  /**
   * Simulates a crash: SIGKILL by default (no goodbye, store left as is), or `'SIGTERM'` for
   * a clean shutdown that still keeps the store for {@link restart}. Resolves once the
   * process is gone and its port refuses connections.
   */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Brings the server back on the same port with the same store (shutting it down cleanly first if it is running). */
  restart(): Promise<void>;
  /** Shuts down for good and deletes the store. Idempotent; also what `await using` calls. */
  stop(): Promise<void>;
}

/**
 * How to start a server; every field has a default that suits a unit test. A server named by
 * NATS_URL is configured by whoever runs it, so these options do not reach it.
 */
export interface NatsServerOptions {
  /** Enable JetStream (default true): nearly everything in Fanout lives in streams. */
  jetstream?: boolean;
  /** Largest message the server accepts, in bytes (server default 1 MiB). */
  maxPayload?: number;
  /**
   * A config file the server reads in beside ours: the accounts and users of
   * `fanout auth init` (its `nats-server.conf`), so that only those credentials connect.
   */
  include?: string;
  /** Extra nats-server command-line flags, appended after ours (e.g. `['-DV']` to trace). */
  args?: string[];
  /**
   * A directory of the caller's for the config and the store, kept when the server stops or
   * its parent dies (the store of `fanout dev`, which outlives one run). Default: a temp dir
   * of ours, deleted then.
   */
  dir?: string;
}
