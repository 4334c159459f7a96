import { describe, expect, it } from 'vitest';
import { jsonChunks } from './json-chunks';

/** The text the chunks make together. */
function joined(chunks: Uint8Array[]): string {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** A state shaped like a workflow's: records and lists of tasks, with what JSON drops. */
function stateLike(tasks: number) {
  const ids = Array.from({ length: tasks }, (_, i) => `each/t/${i}`);
  return {
    workflowId: 'wf',
    status: 'running',
    definition: undefined,
    version: 3,
    acceptedAt: new Date(0), // toJSON
    tasks: Object.fromEntries(
      ids.map((id, i) => [
        id,
        { id, item: i, result: i % 2 ? { echo: 'é€😀'.repeat(i % 5) } : undefined, deps: [] },
      ]),
    ),
    taskOrder: ids,
    readyQueues: [[], ['a', undefined, () => 1], [null]],
    empty: {},
    counts: new Map([['a', 1]]), // no entries of its own: {}
    skipped: Symbol('s'),
    emoji: '😀',
  };
}

describe('jsonChunks', () => {
  it('given a state of 2,000 tasks, writes exactly what JSON.stringify writes, in chunks no larger than asked', () => {
    const state = stateLike(2_000);
    const chunks = jsonChunks(state, 4_096);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.every((chunk) => chunk.length <= 4_096)).toBe(true);
    expect(joined(chunks)).toBe(JSON.stringify(state));
  });

  it('given chunks of a few bytes, never cuts a character in two (4-byte emoji, 3-byte €)', () => {
    const state = stateLike(50);
    for (const size of [4, 5, 7])
      expect(joined(jsonChunks(state, size))).toBe(JSON.stringify(state));
  });

  it('given one value larger than a chunk, gives it a chunk of its own size', () => {
    const value = { big: 'x'.repeat(10_000), after: 1 };
    const chunks = jsonChunks(value, 1_024);
    expect(joined(chunks)).toBe(JSON.stringify(value));
  });

  it('given values that are not containers, writes them as JSON.stringify does', () => {
    for (const value of [1, 'text', null, true, [undefined], [], {}]) {
      expect(joined(jsonChunks(value, 16))).toBe(JSON.stringify(value));
    }
  });
});
