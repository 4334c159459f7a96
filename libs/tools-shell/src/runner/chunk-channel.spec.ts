import { describe, expect, it } from 'vitest';
import { ChunkChannel } from './chunk-channel';

async function readAll<T>(channel: ChunkChannel<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of channel) items.push(item);
  return items;
}

describe('a chunk channel', () => {
  it('gives what was pushed before and after the reader started, in order, then ends on close', async () => {
    const channel = new ChunkChannel<number>();
    channel.push(1);
    const read = readAll(channel);
    channel.push(2);
    await new Promise((resolve) => setImmediate(resolve)); // the reader is waiting now
    channel.push(3);
    channel.close();
    expect(await read).toEqual([1, 2, 3]);
  });

  it('gives what was queued before a close', async () => {
    const channel = new ChunkChannel<string>();
    channel.push('a');
    channel.push('b');
    channel.close();
    expect(await readAll(channel)).toEqual(['a', 'b']);
  });
});
