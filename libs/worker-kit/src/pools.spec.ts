import { describe, expect, it } from 'vitest';
import { DEFAULT_POOL_SLOTS, poolEnvVar, resolvePools } from './pools';

describe('resolvePools', () => {
  const tools = ['code.glob', 'code.grep'];

  it('names the variable of a tool after it: code.grep is FANOUT_POOL_CODE_GREP', () => {
    expect(poolEnvVar('code.grep')).toBe('FANOUT_POOL_CODE_GREP');
  });

  it('takes code over environment over the host defaults over the library default', () => {
    const pools = resolvePools([...tools, 'noop'], {
      pools: { 'code.glob': 2 },
      env: { FANOUT_POOL_CODE_GLOB: '5', FANOUT_POOL_CODE_GREP: '32' },
      defaults: { 'code.glob': 16, 'code.grep': 24 },
    });
    expect(Object.fromEntries(pools)).toEqual({
      'code.glob': 2,
      'code.grep': 32,
      noop: DEFAULT_POOL_SLOTS,
    });
  });

  it('refuses a size that is not a positive whole number, naming the variable', () => {
    expect(() => resolvePools(tools, { env: { FANOUT_POOL_CODE_GREP: 'lots' } })).toThrow(
      /FANOUT_POOL_CODE_GREP must be a positive whole number of slots for code.grep, got "lots"/,
    );
    expect(() => resolvePools(tools, { pools: { 'code.glob': 0 } })).toThrow(
      /pools\["code.glob"\]/,
    );
  });

  it('refuses a size for a tool the worker does not host, rather than sizing nothing', () => {
    expect(() => resolvePools(tools, { pools: { 'code.gerp': 4 } })).toThrow(
      /pools sizes code.gerp, which this worker does not host/,
    );
  });
});
