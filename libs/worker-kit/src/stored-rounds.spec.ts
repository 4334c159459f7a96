import type { PayloadRef } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { withRoundResults } from './stored-rounds';

const ref = (name: string): PayloadRef => ({ bucket: 'fanout_results', name, size: 1 });

/** Stored values by name; a missing one fails as the Object Store's read does. */
function store(values: Record<string, unknown>) {
  const asked: string[] = [];
  return {
    asked,
    get: async (at: PayloadRef, where: string) => {
      asked.push(at.name);
      if (!(at.name in values)) throw new Error(`${where}: no ${at.name}`);
      return values[at.name];
    },
  };
}

describe('withRoundResults', () => {
  it('fetches the results of the rounds sent by reference, and leaves the others as they are', async () => {
    const stored = store({ big: { 'search.all': { matches: [] } } });
    const input = {
      goal: 'g',
      rounds: [
        { round: 1, result: { 'structure.js': { files: [] } } },
        { round: 2, resultRef: ref('big') },
      ],
    };
    expect(await withRoundResults(input, stored, 'agent task p/a#3')).toEqual({
      goal: 'g',
      rounds: [
        { round: 1, result: { 'structure.js': { files: [] } } },
        { round: 2, resultRef: ref('big'), result: { 'search.all': { matches: [] } } },
      ],
    });
    expect(stored.asked).toEqual(['big']);
  });

  it('returns any other input untouched, without reading the store', async () => {
    const stored = store({});
    const input = { patterns: ['x'], rounds: 'not rounds' };
    expect(await withRoundResults(input, stored, 'here')).toBe(input);
    expect(await withRoundResults(undefined, stored, 'here')).toBeUndefined();
    expect(stored.asked).toEqual([]);
  });

  it('says which round of which task it could not fetch', async () => {
    const input = { rounds: [{ round: 4, resultRef: ref('gone') }] };
    await expect(withRoundResults(input, store({}), 'the input of p/a#2')).rejects.toThrow(
      'round 4 of the input of p/a#2: no gone',
    );
  });
});
