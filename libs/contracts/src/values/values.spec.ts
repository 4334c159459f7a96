import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json';
import { atPath } from './dot-path';

describe('canonicalJson', () => {
  it('writes equal values as one string whatever the order of their keys', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 3, e: 4 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [2, { e: 4, f: 3 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('keeps arrays in their order and tells different values apart', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(canonicalJson({ a: '1' })).not.toBe(canonicalJson({ a: 1 }));
  });

  it('keeps a "__proto__" key as data when it reorders an object', () => {
    const parsed: unknown = JSON.parse('{"z":1,"__proto__":{"x":2}}');
    expect(canonicalJson(parsed)).toBe('{"__proto__":{"x":2},"z":1}');
  });
});

describe('atPath', () => {
  const item = { url: 'u', meta: { score: 3, tags: ['a', 'b'] } };

  it('follows a dot path through objects and arrays', () => {
    expect(atPath(item, 'meta.score')).toBe(3);
    expect(atPath(item, 'meta.tags.1')).toBe('b');
    expect(atPath(item, '')).toBe(item);
  });

  it('leads nowhere past a missing key, a primitive or the prototype chain', () => {
    expect(atPath(item, 'meta.missing.deeper')).toBeUndefined();
    expect(atPath(item, 'url.length')).toBeUndefined();
    expect(atPath(item, 'constructor')).toBeUndefined();
    expect(atPath(item, 'meta.toString')).toBeUndefined();
  });
});
