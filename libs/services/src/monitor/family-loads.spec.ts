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
