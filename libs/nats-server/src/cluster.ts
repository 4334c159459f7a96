import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findNatsServer } from './binary.ts';
import { LocalServer } from './local.ts';
import { RouteLink } from './link.ts';
import { isHealthy, metaLeader } from './monitor.ts';
import { inUse, pickPorts, START_ATTEMPTS } from './ports.ts';
import { own } from './reaper.ts';
import type { NatsServer, NatsServerOptions } from './types.ts';

/** A JetStream cluster on loopback, for tests of what survives losing a node. */
export interface NatsCluster extends AsyncDisposable {
  /** One client URL per node; give a client all of them so it can fail over. */
  readonly urls: string[];
  /** The nodes, each killable and restartable on its own (same ports, same store). */
  readonly servers: NatsServer[];
  /**
   * Resolves with the meta leader's server name once every running node agrees on one.
   * After killing a node, call this before asserting anything that needs a working cluster.
   */
  waitForLeader(timeoutMs?: number): Promise<string>;
  /**
   * Cuts node `index` (0-based, server name `n${index + 1}`) off from the other nodes, both
   * ways, as a network partition would: its routes drop and cannot be made again until
   * {@link heal}. Its clients stay connected to it, as clients on that side of a real
   * partition would: they reach the node but no quorum, so JetStream there has no answer
   * until the heal. The node keeps running; {@link waitForLeader} asks only the other side.
   */
  partition(index: number): void;
  /** Lets every cut route connect again; the nodes dial each other anew within seconds. */
  heal(): void;
  /** Stops every node and deletes every store. */
  stop(): Promise<void>;
}

/** Options for every node of a cluster; JetStream is always on (the meta group is the point). */
export type NatsClusterOptions = Pick<NatsServerOptions, 'maxPayload' | 'args'>;

/**
 * Starts `size` nats-server processes routed to each other through relays of ours on
 * loopback (so {@link NatsCluster.partition} can cut them), each with its own store, and
 * resolves once the JetStream meta group has elected a leader. Needs a nats-server binary:
 * NATS_URL names one server and a container cannot be crashed, so neither can stand in.
 */
export async function startNatsCluster(
  size = 3,
  options: NatsClusterOptions = {},
): Promise<NatsCluster> {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`startNatsCluster(${size}): size must be a positive integer`);
  const bin = findNatsServer();
  if (!bin) {
    throw new Error(
      'startNatsCluster needs a nats-server binary (PATH, /usr/sbin, /usr/local/bin or NATS_SERVER_BIN): ' +
        'install it (`apt-get install nats-server`, or a release from https://github.com/nats-io/nats-server/releases), ' +
        'or skip the test with it.skipIf(!findNatsServer()).',
    );
  }
  let attempt = 1;
  for (;;) {
    try {
      return await startNodes(bin, size, options);
    } catch (error) {
      // Someone took a port between our check and a node's bind: pick others.
      if (!inUse(error) || ++attempt > START_ATTEMPTS) throw error;
    }
  }
}

/** One direction of a route: node `from` dials node `to` through `link`. */
interface Route {
  from: number;
  to: number;
  link: RouteLink;
}

async function startNodes(
  bin: string,
  size: number,
  options: NatsClusterOptions,
): Promise<NatsCluster> {
  // Route ports must be known before any node runs: 2.9 will not start a JetStream cluster
  // node without configured routes, so no node can pick its own (`-1`) and tell the others.
  const ports = await pickPorts(4 * size + size * (size - 1));
  const routePorts = ports.slice(2 * size, 3 * size);
  const routes = await openRoutes(routePorts, ports.slice(4 * size));
  // Nodes tell each other where to dial them (gossip), and dial what they are told if it
  // comes first, around our links. So each advertises a port of ours that closes every
  // connection: routes are made only through the configured links, which a partition cuts.
  const sinks = await Promise.all(
    ports.slice(3 * size, 4 * size).map(async (port, i) => {
      const sink = await RouteLink.open(port, routePorts[i] as number);
      sink.cut();
      return sink;
    }),
  ).catch(async (error: unknown) => {
    await Promise.all(routes.map((r) => r.link.close()));
    throw error;
  });
  const dirs = await Promise.all(
    Array.from({ length: size }, () => mkdtemp(join(tmpdir(), 'fanout-nats-cluster-'))),
  );
  dirs.forEach(own);
  const quorum = Math.floor(size / 2) + 1;
  const name = `fanout-${routePorts[0]}`;
  const isolated = new Set<number>();
  /** The running nodes on the side of a partition that can have a quorum. */
  const majority = () => nodes.filter((n, i) => n.running && !isolated.has(i));
  const nodes: LocalServer[] = dirs.map(
    (dir, i) =>
      new LocalServer({
        bin,
        dir,
        port: ports[i] as number,
        httpPort: ports[size + i] as number,
        jetstream: true,
        maxPayload: options.maxPayload,
        args: options.args ?? [],
        cluster: {
          name,
          serverName: nodeName(i),
          port: routePorts[i] as number,
          routes: routes.filter((r) => r.from === i).map((r) => r.link.port),
          advertise: sinks[i]!.port,
        },
        // healthz on a clustered 2.9 node means "in contact with a meta leader", which
        // cannot happen without a quorum; a node restarted into a minority is done once it listens.
        ready: async (self) =>
          isolated.has(i) ||
          majority().length < quorum ||
          // /jsz first: every failed /healthz costs a WRN line in the log we keep for debugging.
          ((await metaLeader(self.monitorUrl)) !== undefined && (await isHealthy(self.monitorUrl))),
      }),
  );
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all([...routes.map((r) => r.link), ...sinks].map((link) => link.close()));
  };
  try {
    const started = await Promise.allSettled(nodes.map((n) => n.start()));
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    // Nodes that came up before a majority was running did not wait for the election.
    await waitForLeader(nodes, majority, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: nodes.map((n) => n.url),
    servers: nodes,
    waitForLeader: (timeoutMs = 20_000) => waitForLeader(nodes, majority, timeoutMs),
    partition: (index) => {
      if (!Number.isInteger(index) || index < 0 || index >= size)
        throw new Error(
          `partition(${index}): no such node; the cluster has nodes 0 to ${size - 1}`,
        );
      isolated.add(index);
      for (const r of routes) if (r.from === index || r.to === index) r.link.cut();
    },
    heal: () => {
      isolated.clear();
      for (const r of routes) r.link.heal();
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** A link for every ordered pair of nodes, from the ports given for them. */
async function openRoutes(routePorts: number[], linkPorts: number[]): Promise<Route[]> {
  const routes: Route[] = [];
  const free = [...linkPorts];
  try {
    for (const from of routePorts.keys())
      for (const to of routePorts.keys())
        if (from !== to)
          routes.push({
            from,
            to,
            link: await RouteLink.open(free.shift() as number, routePorts[to] as number),
          });
  } catch (error) {
    await Promise.all(routes.map((r) => r.link.close()));
    throw error;
  }
  return routes;
}

async function waitForLeader(
  nodes: LocalServer[],
  majority: () => LocalServer[],
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen: (string | undefined)[] = [];
  while (Date.now() < deadline) {
    const running = majority().map((n) => ({ n, name: nodeName(nodes.indexOf(n)) }));
    seen = await Promise.all(running.map(({ n }) => metaLeader(n.monitorUrl)));
    // Right after a leader dies the others still name it for a while; that is not a leader.
    const [first] = seen;
    if (first && seen.every((l) => l === first) && running.some((r) => r.name === first))
      return first;
    await sleep(50);
  }
  const nodeLogs = nodes
    .map((n, i) => `${nodeName(i)} (${n.url}):\n${n.logs().slice(-15).join('\n')}`)
    .join('\n');
  throw new Error(
    `No JetStream meta leader all running nodes agree on after ${timeoutMs} ms (they report ${JSON.stringify(seen)}); ` +
      `is a majority of the cluster running and connected? Last log lines:\n${nodeLogs}`,
  );
}

/** `server_name` of the i-th node; what `/jsz` reports as the meta leader. */
function nodeName(i: number): string {
  return `n${i + 1}`;
}
