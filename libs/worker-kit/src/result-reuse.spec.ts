import { TOOLS } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import { callDigest } from './result-reuse';

const cache = TOOLS['web.search'].cache!;
const search = (input: Record<string, unknown>) =>
  TOOLS['web.search'].input.parse({ query: 'rust async', ...input });

describe('the digest equal calls share', () => {
  it('is the same however the question is spelled, the filters ordered or the category', () => {
    const digest = callDigest(cache, search({ domains: ['b.org', 'A.org'] }));
    expect(
      callDigest(cache, search({ query: '  Rust\tASYNC ', domains: ['a.org', 'b.org'] })),
    ).toBe(digest);
    expect(
      callDigest(cache, search({ domains: ['a.org', 'b.org'], category: 'code-examples' })),
    ).toBe(digest);
    expect(digest).toMatch(/^[a-f0-9]{64}$/);
  });

  it('differs for another question, provider, count or filter', () => {
    const digest = callDigest(cache, search({}));
    const others = [
      search({ query: 'rust sync' }),
      search({ query: '"rust async"' }),
      search({ provider: 'brave' }),
      search({ count: 20 }),
      search({ domains: ['a.org'] }),
      search({ exclude: ['a.org'] }),
    ].map((input) => callDigest(cache, input));
    expect(new Set([digest, ...others]).size).toBe(others.length + 1);
  });

  it('does not depend on the order of an object’s fields', () => {
    const byKey = { key: (input: unknown) => input, maxAgeMs: 1 };
    expect(callDigest(byKey, { a: 1, b: { c: 2, d: [3] } })).toBe(
      callDigest(byKey, { b: { d: [3], c: 2 }, a: 1 }),
    );
  });
});
