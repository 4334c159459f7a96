import { describe, expect, it } from 'vitest';
import { FILES_PER_SHARD, searchShards } from './search-shards';

const tree = (directories: string[], perDirectory: number) =>
  directories.flatMap((dir) => Array.from({ length: perDirectory }, (_, n) => `${dir}/f${n}.ts`));

describe('searchShards', () => {
  it('keeps a small tree one walk of the root', () => {
    expect(searchShards(tree(['a', 'b', 'c'], 100), 32)).toEqual([{ paths: [], exclude: [] }]);
  });

  it('gives each part whole directories, and the last part the root without them', () => {
    const shards = searchShards(tree(['a', 'b', 'c'], 2 * FILES_PER_SHARD), 32);
    expect(shards).toEqual([
      { paths: ['a'], exclude: [] },
      { paths: ['b'], exclude: [] },
      { paths: ['c'], exclude: [] },
      { paths: [], exclude: ['/a/', '/b/', '/c/'] },
    ]);
  });

  it('makes no more calls than asked for', () => {
    const shards = searchShards(tree(['a', 'b', 'c', 'd', 'e'], FILES_PER_SHARD), 3);
    expect(shards).toHaveLength(3);
    expect(shards.flatMap((shard) => shard.paths).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('writes a directory whose name has glob characters so that it matches only itself', () => {
    const shards = searchShards(tree(['a[1]', '{b}', 'c*'], FILES_PER_SHARD), 32);
    expect(shards.at(-1)!.exclude).toEqual(['/a\\[1\\]/', '/c\\*/', '/\\{b\\}/']);
  });
});
