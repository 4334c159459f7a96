import { describe, expect, it } from 'vitest';
import { ArgumentError, inputProblems, parseArguments } from './arguments';
import { BatchArguments } from './meta-tools';

const problemsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof ArgumentError) return error.problems;
    throw error;
  }
  return [];
};

describe('inputProblems', () => {
  it('names each wrong field of a tool call by its own name', async () => {
    expect(await inputProblems('code.read', { root: 5, path: 'a', extra: true })).toEqual([
      'root: expected string',
      'arguments: unknown key "extra"',
    ]);
  });

  it('puts a batch call’s fields under the call', async () => {
    expect(await inputProblems('code.read', { root: '/x' }, 'calls[2].input')).toEqual([
      'calls[2].input.path: expected string',
    ]);
  });

  it('finds nothing wrong with a call that fits its contract', async () => {
    expect(await inputProblems('code.grep', { root: '/x', pattern: 'a' })).toEqual([]);
  });
});

describe('parseArguments', () => {
  it('names the batch field that is wrong', () => {
    const problems = problemsOf(() =>
      parseArguments(BatchArguments, { calls: [{ tool: 'code_grep', input: 'x' }] }),
    );
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^calls\[0\]\.input: /);
  });

  it('refuses an empty batch and an unknown tool', () => {
    expect(problemsOf(() => parseArguments(BatchArguments, { calls: [] }))[0]).toMatch(/^calls: /);
    const unknown = problemsOf(() =>
      parseArguments(BatchArguments, { calls: [{ tool: 'rm', input: {} }] }),
    );
    expect(unknown[0]).toMatch(/^calls\[0\]\.tool: /);
  });

  it('takes either name of a tool', () => {
    const parsed = parseArguments(BatchArguments, {
      calls: [
        { tool: 'code_grep', input: {} },
        { tool: 'code.grep', input: {} },
      ],
    });
    expect(parsed.calls.map((call) => call.tool)).toEqual(['code_grep', 'code.grep']);
  });
});
