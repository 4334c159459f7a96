/** One user of the generated installation: a kind of service, or clients. */
export interface AuthUser {
  /** Its name: the creds and env files are `<name>.creds` and `<name>.env`. */
  name: string;
  /** Subjects it may publish to and subscribe to. */
  publish: string[];
  subscribe: string[];
  /** Whether it may answer requests it received (once, to their reply subject). */
  responds: boolean;
  /** Variables its `<name>.env` sets beside `NATS_CREDS` (e.g. `NATS_INBOX_PREFIX`). */
  env: Record<string, string>;
}

/** What {@link writeAuth} wrote, by path. */
export interface WrittenAuth {
  /**
   * The public key of the account every user is in: what the server's monitoring calls the
   * account (`/jsz?acc=`), e.g. for KEDA's JetStream scaler.
   */
  account: string;
  /** `nats-server -c` takes it as it is; the listen address and JetStream come from flags. */
  config: string;
  creds: Record<string, string>;
  env: Record<string, string>;
}

/** The file nats-server reads, in the directory given to {@link writeAuth}. */
export const AUTH_CONFIG_FILE = 'nats-server.conf';
