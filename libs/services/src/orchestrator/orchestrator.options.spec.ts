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
});
