import { describe, expect, it } from 'vitest';
import { pickSpecialists } from './pick-specialists';

describe('pickSpecialists', () => {
  it.each([
    ['where is computeTotal defined', '/repo', ['codebase']],
    ['what do the latest docs say about zod', '/repo', ['codebase', 'web']],
    ['why is the disk full', '/repo', ['codebase', 'ops']],
    ['which tests fail and does lint pass', '/repo', ['codebase', 'test']],
    [
      'what changed in git, and does the build pass? see https://x.org/y',
      '/repo',
      ['codebase', 'web', 'ops', 'test'],
    ],
    ['what is the capital of France', undefined, ['web']],
    ['how much memory is free', undefined, ['ops']],
  ])('"%s" (root %s) goes to %j', (goal, root, expected) => {
    expect(pickSpecialists(goal, root)).toEqual(expected);
  });

  it('asks those it is told to, in that order, once each, whatever the goal says', () => {
    expect(pickSpecialists('latest docs', '/repo', ['test', 'ops', 'test'])).toEqual([
      'test',
      'ops',
    ]);
  });
});
