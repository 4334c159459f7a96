import { describe, expect, it } from 'vitest';
import { webConfigFromEnv } from './config';

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
});
