import { describe, expect, it, vi } from 'vitest';
import { ShellErrorCode } from '../errors';
import { rejection } from '../testing/fixtures';
import { resolveSandbox } from './resolve-sandbox';
import { shellSettingsFromEnv } from '../tool/shell-settings';

const MISSING = '/nonexistent/bwrap';

describe('resolveSandbox without bubblewrap', () => {
  it('refuses with SANDBOX_UNAVAILABLE when the sandbox is required', async () => {
    const error = await rejection(resolveSandbox('required', () => undefined, MISSING));
    expect(error).toMatchObject({ code: ShellErrorCode.SandboxUnavailable });
    expect(error.message).toContain(`${MISSING} is not installed`);
  });

  it('falls back to the process-group mode with one warning', async () => {
    const warn = vi.fn();
    expect(await resolveSandbox('auto', warn, MISSING)).toMatchObject({ kind: 'process-group' });
    await resolveSandbox('auto', warn, MISSING);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toContain('weaker process-group mode');
  });

  it('reads FANOUT_SANDBOX, refusing a value it does not know', () => {
    const sandboxOf = (env: NodeJS.ProcessEnv) => shellSettingsFromEnv(env).sandbox;
    expect(sandboxOf({ FANOUT_SANDBOX: 'required' })).toBe('required');
    expect(sandboxOf({})).toBe('auto');
    expect(sandboxOf({ FANOUT_SANDBOX: '' })).toBe('auto');
    expect(() => sandboxOf({ FANOUT_SANDBOX: 'yes' })).toThrow(
      /FANOUT_SANDBOX="yes" is not a sandbox mode/,
    );
  });
});
