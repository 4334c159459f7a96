import type { FanoutClient } from '@fanout/client';
import type { Priority } from '@fanout/contracts';
import { UsageError } from '../exit-codes';

/** The flags of {@link CONNECTION}, as a command that connects has them. */
export interface Connecting {
  values: { nats?: string | undefined; prefix?: string | undefined };
}

/**
 * What {@link withServices} reads besides the connection: `--json` quiets, `--ui` serves,
 * `--secure` turns authentication on in the embedded Fanout.
 */
interface Serving {
  values: Connecting['values'] & {
    json?: boolean | undefined;
    ui?: boolean | undefined;
    secure?: boolean | undefined;
  };
}

/** The one positional argument a command takes (file, id or tool), or a usage error. */
export function argument(args: { command: string; positionals: string[] }, what: string): string {
  const [value, extra] = args.positionals;
  if (value === undefined) throw new UsageError(`fanout ${args.command} needs a ${what}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return value;
}

/** Reads a file the user named; a missing one is their mistake, said plainly. */
export async function readUserFile(path: string): Promise<string> {
  try {
    // Imported here, not above: `fanout call` against a dev has no file to read (see dev-home).
    const { readFile } = await import('node:fs/promises');
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot read ${path}: ${reason}`);
  }
}

/** Where a command finds the services: a server named, a running `fanout dev`, or none. */
interface Target {
  natsUrl?: string;
  prefix?: string;
  /** Variables of the client's and the dashboard's roles (credentials), when secured. */
  envOf?: Partial<Record<'client' | 'gateway', Record<string, string>>>;
}

/**
 * `--nats`, else `NATS_URL`, else the `fanout dev` running on `FANOUT_HOME` (its server and
 * its prefix, unless `--prefix` names another), else nothing.
 */
async function target(args: Connecting): Promise<Target> {
  const named = args.values.nats ?? process.env['NATS_URL'];
  if (named) return { natsUrl: named, prefix: args.values.prefix };
  const { devHome, runningDev } = await import('../dev/dev-home');
  const dev = await runningDev(devHome());
  if (!dev) return { prefix: args.values.prefix };
  return { natsUrl: dev.natsUrl, prefix: args.values.prefix ?? dev.prefix };
}

/**
 * Connects to the services' NATS (`to`, else {@link target}, else the client's default),
 * runs `use`, and lets go of the connection whatever happens. The client is imported here,
 * not at start-up.
 */
export async function withClient<T>(
  args: Connecting,
  use: (client: FanoutClient) => Promise<T>,
  to?: Target,
) {
  const { natsUrl, prefix, envOf } = to ?? (await target(args));
  const { FanoutClient } = await import('@fanout/client');
  const client = await FanoutClient.connect({
    ...(natsUrl ? { natsUrl } : {}),
    ...(prefix ? { prefix } : {}),
    ...(envOf?.client ? { env: { ...process.env, ...envOf.client } } : {}),
    connectTimeoutMs: 3_000,
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/**
 * {@link withClient} on the services at `--nats` or `NATS_URL`, else on a running
 * `fanout dev`; with none of them, on an embedded Fanout (its own nats-server and every
 * service in this process) started for `use` and stopped after it. What `run`, `call` and
 * `ask` work through.
 */
export async function withServices<T>(args: Serving, use: (client: FanoutClient) => Promise<T>) {
  const found = await target(args);
  if (found.natsUrl && args.values.secure) {
    throw new UsageError(
      "--secure starts an embedded Fanout with authentication on; against running services, connect with your role's credentials instead (NATS_CREDS, from fanout auth init)",
    );
  }
  if (found.natsUrl) return withDashboard(args, found, () => withClient(args, use, found));
  const { startEmbeddedFanout } = await import('../embedded/embedded-fanout');
  if (!args.values.json) {
    process.stderr.write(
      'fanout: no NATS URL given and no fanout dev running; starting an embedded Fanout\n',
    );
  }
  const prefix = args.values.prefix ?? 'fanout';
  const embedded = await startEmbeddedFanout(prefix, { secure: args.values.secure ?? false });
  const to = { natsUrl: embedded.natsUrl, prefix, envOf: embedded.envOf };
  try {
    return await withDashboard(args, to, () => withClient(args, use, to));
  } finally {
    await embedded.stop();
  }
}

/**
 * With `--ui`, runs `use` with the dashboard served on the same services (its URL said on
 * stderr) and stops serving it when `use` ends; without, just runs `use`.
 */
async function withDashboard<T>(args: Serving, to: Target, use: () => Promise<T>): Promise<T> {
  if (!args.values.ui) return use();
  const services = await import('@fanout/services');
  const env = {
    ...process.env,
    ...to.envOf?.gateway,
    ...(to.natsUrl ? { NATS_URL: to.natsUrl } : {}),
    ...(to.prefix ? { FANOUT_SUBJECT_PREFIX: to.prefix } : {}),
  };
  const logger = new services.StderrLogger(['error', 'warn']);
  const gateway = await services.bootService('gateway', { env, logger });
  console.error(`fanout: dashboard on ${gateway.get(services.Gateway).url}`);
  try {
    return await use();
  } finally {
    await gateway.close();
  }
}

/** What `--priority` and `--id` ask of a submission, as the client takes them. */
export function submission(values: { priority?: number | undefined; id?: string | undefined }): {
  priority?: Priority;
  workflowId?: string;
} {
  return {
    ...(values.priority !== undefined ? { priority: values.priority as Priority } : {}),
    ...(values.id ? { workflowId: values.id } : {}),
  };
}

/** For a command that takes no argument: one given is a mistake, named. */
export function noArgument(args: { command: string; positionals: string[] }): void {
  const [extra] = args.positionals;
  if (extra !== undefined) {
    throw new UsageError(`unexpected argument "${extra}": fanout ${args.command} takes none`);
  }
}
