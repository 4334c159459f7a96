/** The `cluster {}` block of one node: who it is, where it listens, whom it dials. */
export interface ClusterBlock {
  name: string;
  serverName: string;
  port: number;
  routes: number[];
  /** The port the node tells other nodes to dial it on, when not its own `port`. */
  advertise?: number;
}

/** Everything that varies between the config files of our servers. */
export interface ConfigSpec {
  port: number;
  httpPort: number;
  storeDir?: string;
  maxPayload?: number;
  cluster?: ClusterBlock;
  /**
   * Another config file to read in (`fanout auth init`'s accounts and users), relative to
   * this one: nats-server joins an include's path to the including file's directory.
   */
  include?: string;
}

/**
 * Renders a nats-server config. A file rather than flags because `max_payload` and the
 * `cluster {}` block with `server_name` have no command-line flags on 2.9.
 */
export function renderConfig(spec: ConfigSpec): string {
  const q = (s: string) => JSON.stringify(s);
  const lines = [
    '# Written by @fanout/nats-server for one server of ours.',
    `listen: ${q(`127.0.0.1:${spec.port}`)}`,
    `http: ${q(`127.0.0.1:${spec.httpPort}`)}`,
  ];
  if (spec.maxPayload !== undefined) lines.push(`max_payload: ${spec.maxPayload}`);
  if (spec.include !== undefined) lines.push(`include ${q(spec.include)}`);
  if (spec.storeDir !== undefined) lines.push(`jetstream { store_dir: ${q(spec.storeDir)} }`);
  const c = spec.cluster;
  if (c) {
    const routes = c.routes.map((p) => q(`nats://127.0.0.1:${p}`)).join(', ');
    lines.push(
      `server_name: ${q(c.serverName)}`,
      `cluster {`,
      `  name: ${q(c.name)}`,
      `  listen: ${q(`127.0.0.1:${c.port}`)}`,
      ...(c.advertise === undefined ? [] : [`  advertise: ${q(`127.0.0.1:${c.advertise}`)}`]),
      `  routes: [${routes}]`,
      `}`,
    );
  }
  return lines.join('\n') + '\n';
}
