import { describe, expect, it } from 'vitest';
import { closest } from './suggest';

const FLAGS = ['json', 'out', 'strict', 'timeout', 'priority', 'nats', 'prefix'];

describe('the closest known flag', () => {
  it('is suggested for a slip of a letter or two, or an unfinished name', () => {
    expect(closest('jsno', FLAGS)).toBe('json');
    expect(closest('timout', FLAGS)).toBe('timeout');
    expect(closest('prio', FLAGS)).toBe('priority');
  });

  it('is not suggested for a word unlike any', () => {
    expect(closest('verbose', FLAGS)).toBeUndefined();
    expect(closest('x', FLAGS)).toBeUndefined();
  });
});
