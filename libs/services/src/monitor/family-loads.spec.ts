import { describe, expect, it } from 'vitest';
import { familyLoads } from './family-loads';

const instance = (
  service: string,
  status: 'ready' | 'silent',
  pools: Array<[string, number, number]>,
) => ({
  service,
  instance: `${service}-1`,
  family: 'codebase' as const,
  status,
  lastSeenAt: 0,
  pools: pools.map(([pool, size, busy]) => ({ pool, size, busy })),
});

describe("families' loads", () => {
  it('sum the pools of live instances and the queues of their tools, by family', () => {
    const loads = familyLoads(
      [
        instance('codebase-worker', 'ready', [
          ['code.grep', 32, 30],
          ['code.read', 8, 1],
        ]),
        instance('codebase-worker', 'silent', [['code.grep', 32, 32]]),
        instance('orchestrator', 'ready', [['workflows', 3, 3]]),
        instance('web-worker', 'ready', [['web.fetch', 32, 0]]),
      ],
      [
        { tool: 'code.grep', priority: 2, waiting: 50 },
        { tool: 'code.grep', priority: 4, waiting: 7 },
        { tool: 'web.fetch', priority: 2, waiting: 0 },
      ],
    );
    expect(loads).toEqual({
      codebase: { slots: 40, busy: 31, waiting: 57 },
      web: { slots: 32, busy: 0, waiting: 0 },
    });
  });

  it("add each family's calls of the window beside its slots", () => {
    const loads = familyLoads([instance('web-worker', 'ready', [['web.fetch', 32, 4]])], [], {
      web: { calls: 40, p95Ms: 900, baselineP95Ms: 200, throttled: 0, timeouts: 0 },
    });
    expect(loads.web).toEqual({
      slots: 32,
      busy: 4,
      waiting: 0,
      calls: 40,
      p95Ms: 900,
      baselineP95Ms: 200,
      throttled: 0,
      timeouts: 0,
    });
  });
});

describe("families' bytes", () => {
  it('sum the storage and network rates of live instances by family, both ways', () => {
    const rates = (read: number, write: number) => ({
      readBytesPerSec: read,
      writeBytesPerSec: write,
    });
    const loads = familyLoads(
      [
        { ...instance('codebase-worker', 'ready', []), io: rates(1_000, 200) },
        {
          ...instance('codebase-worker', 'ready', []),
          instance: 'codebase-worker-2',
          io: rates(500, 0),
        },
        {
          ...instance('web-worker', 'ready', []),
          family: 'web' as const,
          io: rates(0, 0),
          network: rates(40_000, 0),
        },
        { ...instance('codebase-worker', 'silent', []), io: rates(9_999, 9_999) },
      ],
      [],
    );
    expect(loads.codebase).toMatchObject({ ioBytesPerSec: 1_700, networkBytesPerSec: 0 });
    expect(loads.web).toMatchObject({ ioBytesPerSec: 0, networkBytesPerSec: 40_000 });
  });
});
