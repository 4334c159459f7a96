import { describe, expect, it } from 'vitest';
import { fitResult } from './fit-result';

describe('fitResult', () => {
  it('leaves a result that fits alone', () => {
    const value = { matches: [1, 2, 3], truncated: false };
    expect(fitResult(value, 1_000)).toEqual({ value });
  });

  it('cuts the longest array to its head until the JSON fits, and marks it truncated', () => {
    const matches = Array.from({ length: 1_000 }, (_, i) => ({ path: `f${i}.ts`, line: i + 1 }));
    const value = { matches, truncated: false, filesSearched: 7 };
    const fitted = fitResult(value, 2_000);
    const cut = fitted.value as typeof value;
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(2_000);
    expect(fitted.cutFrom).toBe(JSON.stringify(value).length);
    expect(cut.matches).toEqual(matches.slice(0, cut.matches.length));
    expect(cut.truncated).toBe(true);
    expect(cut.filesSearched).toBe(7);
    expect(value.matches).toHaveLength(1_000);
  });

  it('cuts a long string to its start', () => {
    const content = 'x'.repeat(10_000);
    const fitted = fitResult({ path: 'a.txt', content, truncated: false }, 500);
    const cut = fitted.value as { content: string; truncated: boolean };
    expect(content.startsWith(cut.content)).toBe(true);
    expect(cut.content.length).toBeGreaterThan(0);
    expect(cut.truncated).toBe(true);
  });

  it('cuts a list at the top level too', () => {
    const fitted = fitResult(
      Array.from({ length: 500 }, (_, i) => i),
      100,
    );
    expect(JSON.stringify(fitted.value).length).toBeLessThanOrEqual(100);
    expect((fitted.value as number[])[0]).toBe(0);
  });
});
