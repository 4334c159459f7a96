import { readFile } from 'node:fs/promises';
import type { FanoutClient } from '@fanout/client';
import type { Priority } from '@fanout/contracts';
import type { Args } from '../cli';
import { UsageError } from '../exit-codes';

/** The one positional argument a command takes (file, id or tool), or a usage error. */
export function argument(args: Args, what: string): string {
  const [command, value, extra] = args.positionals;
  if (value === undefined) throw new UsageError(`fanout ${command} needs a ${what}`);
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  return value;
}

/** Reads a file the user named; a missing one is their mistake, said plainly. */
export async function readUserFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`cannot read ${path}: ${reason}`);
  }
}

/** A whole number option, checked. */
export function integer(args: Args, name: 'timeout' | 'priority'): number | undefined {
  const raw = args.values[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new UsageError(`--${name} expects a whole number, got "${raw}"`);
  }
  return value;
}

/** `--priority`, checked to be 0..4. */
export function priority(args: Args): Priority | undefined {
  const value = integer(args, 'priority');
  if (value !== undefined && value > 4) throw new UsageError('--priority is 0 (highest) to 4');
  return value as Priority | undefined;
}

/**
 * Connects to the services' NATS (`natsUrl`, else `--nats`, else `NATS_URL`), runs `use`,
 * and lets go of the connection whatever happens. The client is imported here, not at
 * start-up.
 */
export async function withClient<T>(
  args: Args,
  use: (client: FanoutClient) => Promise<T>,
  natsUrl = args.values.nats,
) {
  const { FanoutClient } = await import('@fanout/client');
  const client = await FanoutClient.connect({
    ...(natsUrl ? { natsUrl } : {}),
    ...(args.values.prefix ? { prefix: args.values.prefix } : {}),
    connectTimeoutMs: 3_000,
  });
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

/**
 * {@link withClient} on the services at `--nats` or `NATS_URL`; with neither, on an
 * embedded Fanout (its own nats-server and every service in this process) started for
 * `use` and stopped after it. What `run` and `call` work through.
 */
export async function withServices<T>(args: Args, use: (client: FanoutClient) => Promise<T>) {
  const natsUrl = args.values.nats ?? process.env['NATS_URL'];
  if (natsUrl) return withClient(args, use, natsUrl);
  const { startEmbeddedFanout } = await import('../embedded/embedded-fanout');
  if (!args.values.json) {
    process.stderr.write('fanout: no NATS URL given; starting an embedded Fanout\n');
  }
  const embedded = await startEmbeddedFanout(args.values.prefix ?? 'fanout');
  try {
    return await withClient(args, use, embedded.natsUrl);
  } finally {
    await embedded.stop();
  }
}
