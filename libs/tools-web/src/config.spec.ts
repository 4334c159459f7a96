import { describe, expect, it } from 'vitest';
import { fetchBytesPerSec, webConfigFromEnv } from './config';

describe('webConfigFromEnv', () => {
  it("limits Brave to its free plan's rate unless told otherwise, and reads FANOUT_SEARCH_RATES", () => {
    expect(webConfigFromEnv({}).rates).toEqual({ brave: 1 });
    expect(webConfigFromEnv({ FANOUT_SEARCH_RATES: 'searxng=5, brave=20' }).rates).toEqual({
      brave: 20,
      searxng: 5,
    });
  });

  it('names the entry of FANOUT_SEARCH_RATES that is not name=rate', () => {
    expect(() => webConfigFromEnv({ FANOUT_SEARCH_RATES: 'searxng=5,brave' })).toThrow(
      'FANOUT_SEARCH_RATES: "brave" is not name=requests-per-second',
    );
    expect(() => webConfigFromEnv({ FANOUT_SEARCH_RATES: 'searxng=0' })).toThrow(/"searxng=0"/);
  });

  it('reads FANOUT_SEARCH_SHARES as instances of 32, over the defaults', () => {
    expect(webConfigFromEnv({}).shares).toBeUndefined();
    const { shares } = webConfigFromEnv({ FANOUT_SEARCH_SHARES: 'primary-research=12, mine=2' });
    expect(shares).toMatchObject({
      'primary-research': 12 / 32,
      mine: 2 / 32,
      'technical-documentation': 6 / 32,
    });
    expect(() => webConfigFromEnv({ FANOUT_SEARCH_SHARES: 'security' })).toThrow(
      'FANOUT_SEARCH_SHARES: "security" is not name=instances-of-32',
    );
  });

  it('divides the shares over the worker’s search instances, from 1 to 32', () => {
    expect(webConfigFromEnv({}).searchInstances).toBeUndefined();
    expect(webConfigFromEnv({ FANOUT_POOL_WEB_SEARCH: '24' }).searchInstances).toBe(24);
    expect(() => webConfigFromEnv({ FANOUT_POOL_WEB_SEARCH: '64' })).toThrow(
      'FANOUT_POOL_WEB_SEARCH must be a whole number of instances from 1 to 32, got "64"',
    );
  });

  it("reads the host's network capacity, and gives the fetches the web family's share of it", () => {
    expect(webConfigFromEnv({}).networkBytesPerSec).toBeUndefined();
    expect(fetchBytesPerSec(webConfigFromEnv({}))).toBeUndefined();
    const config = webConfigFromEnv({ FANOUT_NET_BYTES_PER_SEC: '1000000' });
    expect(config.networkBytesPerSec).toBe(1_000_000);
    expect(fetchBytesPerSec(config)).toBe(600_000);
    expect(fetchBytesPerSec({ ...config, networkShare: 0.2 })).toBe(200_000);
    for (const bad of ['fast', '-5', '1.5', '0']) {
      expect(() => webConfigFromEnv({ FANOUT_NET_BYTES_PER_SEC: bad })).toThrow(
        `FANOUT_NET_BYTES_PER_SEC must be a whole number of bytes per second above 0, got "${bad}"`,
      );
    }
  });
});
