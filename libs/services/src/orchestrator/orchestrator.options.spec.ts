import { describe, expect, it } from 'vitest';
import { orchestratorOptionsFromEnv } from './orchestrator.options';

describe('orchestrator options from the environment', () => {
  it('keeps the contracts’ spread limits unless FANOUT_ORCHESTRATOR_SPREAD_LIMITS sets some', () => {
    expect(orchestratorOptionsFromEnv({}).spreadLimits).toEqual({});
    expect(
      orchestratorOptionsFromEnv({
        FANOUT_ORCHESTRATOR_SPREAD_LIMITS: 'web.fetch=8, web.search = 2',
      }).spreadLimits,
    ).toEqual({ 'web.fetch': 8, 'web.search': 2 });
  });

  it('names a spread limit it cannot use: not a whole number, or a tool that does not spread', () => {
    expect(() =>
      orchestratorOptionsFromEnv({ FANOUT_ORCHESTRATOR_SPREAD_LIMITS: 'web.fetch=0' }),
    ).toThrow('FANOUT_ORCHESTRATOR_SPREAD_LIMITS: "web.fetch=0" is not tool=limit');
    expect(() =>
      orchestratorOptionsFromEnv({ FANOUT_ORCHESTRATOR_SPREAD_LIMITS: 'code.grep=4' }),
    ).toThrow(/"code\.grep=4": only web\.search, web\.fetch spread their calls/);
  });

  it('reads FANOUT_REPORT_KEY as hex or base64 of 32 bytes or more, and leaves it unset when empty', () => {
    const bytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i + 200));
    expect(orchestratorOptionsFromEnv({}).reportKey).toBeUndefined();
    expect(orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: ' ' }).reportKey).toBeUndefined();
    expect(
      orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: bytes.toString('hex') }).reportKey,
    ).toEqual(bytes);
    expect(
      orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: bytes.toString('base64') }).reportKey,
    ).toEqual(bytes);
    expect(
      orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: `${bytes.toString('base64url')}\n` })
        .reportKey,
    ).toEqual(bytes);
  });

  it('names FANOUT_REPORT_KEY when it is too short or not a key, never printing it', () => {
    const short = 'ab'.repeat(31);
    expect(() => orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: short })).toThrow(
      'FANOUT_REPORT_KEY holds 31 bytes, fewer than the 32 a key needs',
    );
    const garbled = 'not a key, but a sentence of more than thirty-two bytes';
    expect(() => orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: garbled })).toThrow(
      'FANOUT_REPORT_KEY is neither hex nor base64',
    );
    let message = '';
    try {
      orchestratorOptionsFromEnv({ FANOUT_REPORT_KEY: short });
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('FANOUT_REPORT_KEY');
    expect(message).not.toContain(short);
  });
});
