import type { NatsConnection } from '@nats-io/transport-node';
import { subjects } from '@fanout/contracts';
import { startNats, type NatsServer } from '@fanout/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConnection, uniquePrefix } from '../testing/fixtures';
import { ensureTopology } from '../topology/ensure-topology';
import { ToolResultCache } from './tool-result-cache';

const DIGEST = 'ab'.repeat(32);

describe('tool results shared for reuse', () => {
  let nats: NatsServer;
  let connection: NatsConnection;
  beforeAll(async () => {
    nats = await startNats({ maxPayload: 64 * 1024 });
    connection = await testConnection(nats.url);
  });
  afterAll(async () => {
    await connection?.close();
    await nats?.stop();
  });

  const open = async (name: string) => {
    const names = subjects(uniquePrefix(name));
    await ensureTopology(connection, { prefix: names.prefix });
    return ToolResultCache.open(connection, { names });
  };

  it('gives back what one worker kept to another, and nothing for a call never made', async () => {
    const names = subjects(uniquePrefix('shared'));
    await ensureTopology(connection, { prefix: names.prefix });
    const writer = await ToolResultCache.open(connection, { names });
    const other = await testConnection(nats.url);
    try {
      const reader = await ToolResultCache.open(other, { names });
      const kept = { storedAt: 1_700_000_000_000, result: { hits: [1, 2] }, items: [1, 2] };
      await writer.put('web.search', DIGEST, kept);
      expect(await reader.get('web.search', DIGEST)).toEqual(kept);
      expect(await reader.get('web.search', 'cd'.repeat(32))).toBeUndefined();
      expect(await reader.get('web.fetch', DIGEST)).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('refuses a result over the server’s message limit, keeping nothing', async () => {
    const cache = await open('large');
    const huge = { storedAt: 1, result: 'x'.repeat(100 * 1024), items: [] };
    await expect(cache.put('web.search', DIGEST, huge)).rejects.toThrow();
    expect(await cache.get('web.search', DIGEST)).toBeUndefined();
  });

  it('refuses a key that is not a digest, naming it', async () => {
    const cache = await open('key');
    await expect(cache.get('web.search', 'rust async')).rejects.toThrow(
      '"rust async" is not a hex digest',
    );
  });
});
