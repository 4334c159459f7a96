import { describe, expect, it } from 'vitest';
import { runPlan } from '../../testing/rounds';
import { findingsIn } from './findings';
import { planCalls } from './plan-calls';
import { seenEvidence } from './seen-evidence';

/** A model round that grepped and read a file of the tree at /repo. */
function codeRound() {
  const { plan } = planCalls(
    {
      content: null,
      calls: [
        { id: 'g', name: 'code_grep', arguments: '{"pattern":"retry"}' },
        { id: 'r', name: 'code_read', arguments: '{"path":"src/b.ts","startLine":10}' },
      ],
      tokens: 0,
    },
    'codebase',
    { round: 1, offered: ['code.grep', 'code.read'], root: '/repo', maxCalls: 10 },
  );
  return runPlan(1, plan, (task) =>
    task.tool === 'code.grep'
      ? {
          result: {
            matches: [{ path: 'src/a.ts', line: 3, text: 'const retries = 3;' }],
            truncated: false,
          },
        }
      : {
          result: {
            path: 'src/b.ts',
            content: 'function backoff() {\n  return 500;\n}',
            encoding: 'utf-8',
            startLine: 10,
            endLine: 12,
            bytes: 36,
            truncated: false,
          },
        },
  );
}

describe('findings in a model’s answer', () => {
  it('keep the path:line citations the tools showed, with the line’s text, and drop the others', () => {
    const seen = seenEvidence([codeRound()]);
    const text = [
      '- Retries are capped at three (src/a.ts:3).',
      '- The backoff starts at 500 ms, see src/b.ts:11.',
      '- Jitter is added in src/c.ts:40.',
    ].join('\n');
    expect(findingsIn(text, 'codebase', seen)).toEqual([
      {
        specialist: 'codebase',
        claim: 'Retries are capped at three (src/a.ts:3).',
        evidence: [{ path: 'src/a.ts', line: 3, text: 'const retries = 3;' }],
      },
      {
        specialist: 'codebase',
        claim: 'The backoff starts at 500 ms, see src/b.ts:11.',
        evidence: [{ path: 'src/b.ts', line: 11, text: '  return 500;' }],
      },
    ]);
  });
});

describe('calls planned for a codebase specialist', () => {
  it('get the root the specialist works on when the model leaves it out, and none wider', () => {
    const { plan, turn } = planCalls(
      {
        content: null,
        calls: [
          { id: 'a', name: 'code_glob', arguments: '{"patterns":["**/*.ts"]}' },
          { id: 'b', name: 'code_glob', arguments: '{"root":"/repo/sub","patterns":["*"]}' },
          { id: 'c', name: 'code_glob', arguments: '{"root":"/repo/../etc","patterns":["*"]}' },
        ],
        tokens: 0,
      },
      'codebase',
      { round: 1, offered: ['code.glob'], root: '/repo', maxCalls: 10 },
    );
    const inputs = plan.phases[0]?.tasks.slice(1).map((task) => task.input?.['root']);
    expect(inputs).toEqual(['/repo', '/repo/sub']);
    expect(turn.calls[2]?.refused).toBe('"root" must be /repo or a directory under it');
  });
});
