import { describe, expect, it } from 'vitest';
import { CallTally } from './call-tally';

const calls = (tool: string, count: number, p95Ms: number, throttled = 0, timeouts = 0) => ({
  calls: [{ tool, calls: count, p95Ms, throttled, timeouts }],
});

describe("families' calls per allocation window", () => {
  it('sum the instances of a family, keeping the worst p95', () => {
    const tally = new CallTally();
    tally.add(calls('web.fetch', 20, 100));
    tally.add(calls('web.search', 5, 300, 2));
    expect(tally.close().web).toMatchObject({ calls: 25, p95Ms: 300, throttled: 2, timeouts: 0 });
  });

  it('keep as baseline the lowest p95 of a healthy window with enough calls', () => {
    const tally = new CallTally();
    tally.add(calls('code.grep', 50, 80));
    expect(tally.close().codebase?.baselineP95Ms).toBe(80);
    tally.add(calls('code.grep', 50, 400));
    expect(tally.close().codebase).toMatchObject({ p95Ms: 400, baselineP95Ms: 80 });
    tally.add(calls('code.grep', 3, 10)); // too few calls to judge by
    expect(tally.close().codebase?.baselineP95Ms).toBe(80);
    expect(tally.close()).toEqual({});
  });
});
