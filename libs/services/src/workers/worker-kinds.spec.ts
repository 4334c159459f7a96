import { describe, expect, it } from 'vitest';
import { WORKER_KINDS, type WorkerKind } from './worker-kinds';

const KINDS = Object.keys(WORKER_KINDS) as WorkerKind[];

describe('the kinds of worker', () => {
  it.each(KINDS)('%s builds the tools it names, with a pool for each', (kind) => {
    const { toolNames, defaultPools, build } = WORKER_KINDS[kind];
    const names = [...toolNames].sort();
    expect(Object.keys(build({}).tools).sort()).toEqual(names);
    expect(Object.keys(defaultPools).sort()).toEqual(names);
  });

  it('reads the settings from the environment its boot gives, not the process', () => {
    const shares = (env: NodeJS.ProcessEnv) =>
      WORKER_KINDS['web-worker'].build(env).shares?.['web.search']?.shares;
    expect(shares({})?.['community']).toBe(1 / 32);
    expect(shares({ FANOUT_SEARCH_SHARES: 'community=4' })?.['community']).toBe(4 / 32);
  });

  it.each([
    ['bash-worker', { FANOUT_SANDBOX: 'maybe' }, /FANOUT_SANDBOX="maybe" is not a sandbox mode/],
    ['web-worker', { FANOUT_SEARCH_RATES: 'brave=fast' }, /FANOUT_SEARCH_RATES/],
    ['agent-worker', { FANOUT_LLM_BASE_URL: 'ftp://x' }, /FANOUT_LLM_BASE_URL/],
  ] as const)('%s refuses a bad setting when it is built, naming it', (kind, env, message) => {
    expect(() => WORKER_KINDS[kind].build(env)).toThrow(message);
  });
});
