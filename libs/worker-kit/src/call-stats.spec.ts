import { describe, expect, it } from 'vitest';
import { CallStats } from './call-stats';

describe("a tool's calls in a window", () => {
  it('count calls, their p95, and the throttled and timed out among them', () => {
    const stats = new CallStats();
    for (let ms = 1; ms <= 100; ms++) stats.record('web.fetch', ms);
    stats.record('web.fetch', 500, 'RATE_LIMITED');
    stats.record('web.fetch', 900, 'TIMEOUT');
    stats.record('web.fetch', 5, 'HTTP_ERROR');
    expect(stats.window()).toEqual([
      { tool: 'web.fetch', calls: 103, p95Ms: 97, throttled: 1, timeouts: 1 },
    ]);
  });

  it('begin afresh after each window, and leave preempted and cancelled attempts out', () => {
    const stats = new CallStats();
    stats.record('code.grep', 10);
    stats.window();
    stats.record('code.grep', 10, 'PREEMPTED');
    stats.record('code.grep', 10, 'CANCELLED');
    expect(stats.window()).toEqual([]);
  });
});
