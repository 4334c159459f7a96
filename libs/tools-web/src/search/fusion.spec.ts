import { describe, expect, it } from 'vitest';
import { clusterByDomain, reciprocalRankFusion } from './fusion';

const r = (url: string, rank: number) => ({ url: `https://${url}`, rank });

describe('reciprocal rank fusion', () => {
  it('puts results several lists agree on first and renumbers ranks', () => {
    const fused = reciprocalRankFusion([
      [r('a.com/1', 1), r('b.com/1', 2), r('c.com/1', 3)],
      [r('c.com/1', 1), r('d.com/1', 2)],
    ]);
    expect(fused.map((x) => [x.url, x.rank])).toEqual([
      ['https://c.com/1', 1],
      ['https://a.com/1', 2],
      ['https://b.com/1', 3],
      ['https://d.com/1', 4],
    ]);
    expect(fused[0]!.score).toBeCloseTo(1 / 63 + 1 / 61);
  });
});

describe('domain clustering', () => {
  it('keeps at most two results per domain ahead of other sites', () => {
    const out = clusterByDomain([
      r('a.com/1', 1),
      r('www.a.com/2', 2),
      r('a.com/3', 3),
      r('b.com/1', 4),
    ]);
    expect(out.map((x) => [x.url, x.rank])).toEqual([
      ['https://a.com/1', 1],
      ['https://www.a.com/2', 2],
      ['https://b.com/1', 3],
      ['https://a.com/3', 4],
    ]);
  });
});
