import { describe, expect, it } from 'vitest';
import { interpretExit } from './exit-status';
import type { RipgrepExit } from './run-ripgrep';

const exit = (overrides: Partial<RipgrepExit>): RipgrepExit => ({
  code: 0,
  signal: null,
  stderr: '',
  stoppedEarly: false,
  ...overrides,
});

describe('reading how rg ended', () => {
  it('takes exit 0 and exit 1 (nothing found) as success', () => {
    expect(interpretExit(exit({ code: 0 }), 'search', true)).toEqual([]);
    expect(interpretExit(exit({ code: 1 }), 'search', false)).toEqual([]);
  });

  it('turns errors on some files into warnings when the search produced output', () => {
    const stderr = 'rg: secret/a.txt: Permission denied (os error 13)\nrg: b.txt: No such file\n';
    expect(interpretExit(exit({ code: 2, stderr }), 'search', true)).toEqual([
      'rg: secret/a.txt: Permission denied (os error 13)',
      'rg: b.txt: No such file',
    ]);
  });

  it('fails with TOOL_FAILED and rg’s words when exit 2 came with no output', () => {
    expect(() =>
      interpretExit(exit({ code: 2, stderr: 'rg: .: Permission denied' }), 'search', false),
    ).toThrow(
      expect.objectContaining({
        code: 'TOOL_FAILED',
        message: expect.stringContaining('Permission denied'),
      }),
    );
  });

  it('blames the input for a bad regex or glob', () => {
    const regex = exit({
      code: 2,
      stderr: 'rg: regex parse error:\n    (?:a(\n    ^\nerror: unclosed group',
    });
    expect(() => interpretExit(regex, 'search', false)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
    const glob = exit({ code: 2, stderr: "rg: error parsing glob '[': unclosed character class" });
    expect(() => interpretExit(glob, 'search', false)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT' }),
    );
  });

  it('fails when rg dies of a signal it was not sent, and not when we stopped it', () => {
    expect(() => interpretExit(exit({ code: null, signal: 'SIGSEGV' }), 'search', true)).toThrow(
      /killed by SIGSEGV/,
    );
    expect(
      interpretExit(exit({ code: null, signal: 'SIGKILL', stoppedEarly: true }), 'search', true),
    ).toEqual([]);
  });
});
