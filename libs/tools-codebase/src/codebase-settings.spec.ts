import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '@fanout/testing';
import {
  codebaseSettingsFromEnv,
  DEFAULT_CODEBASE_SETTINGS,
  type CodebaseSettings,
} from './codebase-settings';
import type { GrepResult } from './grep/grep';
import { createCodebaseTools } from './mod';
import { ripgrepPath } from './ripgrep/ripgrep-path';
import { context, params, rejection, tempTree, type TempTree } from './testing/fixtures';

describe('the codebase tools settings', () => {
  let tree: TempTree;
  beforeAll(async () => {
    tree = await tempTree({ 'a.txt': 'needle\n' });
  });
  afterAll(() => tree?.cleanup());

  it('read FANOUT_RG_PATH, the bundled ripgrep when it is unset or empty', () => {
    expect(codebaseSettingsFromEnv({ FANOUT_RG_PATH: '/opt/rg' })).toEqual({
      ripgrepPath: '/opt/rg',
    });
    expect(codebaseSettingsFromEnv({})).toEqual({ ripgrepPath });
    expect(codebaseSettingsFromEnv({ FANOUT_RG_PATH: '' })).toEqual(DEFAULT_CODEBASE_SETTINGS);
  });

  it('give code.grep the ripgrep they name', async () => {
    const grepWith = (settings: CodebaseSettings) =>
      drain(
        createCodebaseTools(settings)['code.grep'](
          params('code.grep', { root: tree.root, pattern: 'needle' }),
          context(),
        ) as AsyncGenerator<unknown, GrepResult, void>,
      );
    expect((await grepWith(DEFAULT_CODEBASE_SETTINGS)).result.filesSearched).toBe(1);
    const error = await rejection(grepWith({ ripgrepPath: '/nonexistent/rg' }));
    expect(error.message).toContain('could not run ripgrep at /nonexistent/rg');
  });
});
