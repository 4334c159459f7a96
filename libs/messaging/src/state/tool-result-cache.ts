import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { subjects, type Subjects } from '@fanout/contracts';

/** A tool's result kept for reuse, with the items it streamed on the way. */
export interface CachedResult {
  /** When the run that produced it ended (wall-clock ms). */
  storedAt: number;
  result: unknown;
  /** The items the tool streamed, in order; none for a tool that does not stream. */
  items: unknown[];
}

/**
 * Tool results shared by every worker through the `fanout_tool_cache` KV bucket, so an
 * equal call (`ToolContract.cache`) on any replica is answered from the first one's
 * work. Entries are keyed by tool and a digest of the call's key; the bucket's age limit
 * bounds how stale an entry can be, and a reader applies its tool's own, shorter one.
 * Reuse is an optimisation: a value over the server's message limit, or a full bucket,
 * is not kept, and the call simply runs next time.
 */
export class ToolResultCache {
  private constructor(private readonly kv: KV) {}

  static async open(
    connection: NatsConnection,
    options: { names?: Subjects } = {},
  ): Promise<ToolResultCache> {
    const names = options.names ?? subjects();
    return new ToolResultCache(await new Kvm(connection).open(names.buckets.toolCache));
  }

  /** The result kept for `digest` of `tool`, if any. */
  async get(tool: string, digest: string): Promise<CachedResult | undefined> {
    const entry = await this.kv.get(entryKey(tool, digest));
    if (!entry || entry.operation !== 'PUT') return undefined;
    return entry.json<CachedResult>();
  }

  /** Keeps `cached` for `digest` of `tool`; throws when the server refuses it. */
  async put(tool: string, digest: string, cached: CachedResult): Promise<void> {
    await this.kv.put(entryKey(tool, digest), JSON.stringify(cached));
  }
}

/** `web.search` and a hex digest make a valid KV key (dots separate tokens, as in subjects). */
function entryKey(tool: string, digest: string): string {
  if (!/^[a-f0-9]{16,128}$/.test(digest)) throw new Error(`"${digest}" is not a hex digest`);
  return `${tool}.${digest}`;
}
