import { ShellError, ShellErrorCode } from '../errors';
import { probeBubblewrap } from './probe-bubblewrap';
import type { SandboxMode } from './sandbox-options';

/** The sandbox commands actually run in. */
export type Sandbox =
  | { kind: 'bubblewrap'; bwrap: string }
  /** Own process group, rlimits, scrubbed environment — and nothing else. */
  | { kind: 'process-group'; reason: string };

let warned = false;

/**
 * Decides the sandbox for a mode. Without bubblewrap, `auto` warns once per process and
 * runs in the weaker mode: commands can then write wherever the worker's user can, reach
 * the network, and a process that calls setsid escapes the group kill.
 */
export async function resolveSandbox(
  mode: SandboxMode,
  warn: (message: string) => void = (message) => console.warn(message),
  bwrap = 'bwrap',
): Promise<Sandbox> {
  if (mode === 'off') return { kind: 'process-group', reason: 'FANOUT_SANDBOX=off' };
  const probe = await probeBubblewrap(bwrap);
  if (probe.ok) return { kind: 'bubblewrap', bwrap: probe.path };
  if (mode === 'required') {
    throw new ShellError(
      ShellErrorCode.SandboxUnavailable,
      `FANOUT_SANDBOX=required but bubblewrap cannot run here: ${probe.reason}`,
    );
  }
  if (!warned) {
    warned = true;
    warn(
      `bash.exec: bubblewrap cannot run here (${probe.reason}); commands run in the weaker process-group mode — ` +
        "own process group, rlimits, scrubbed environment, but the file system and network are the worker's. " +
        'Set FANOUT_SANDBOX=required to refuse instead.',
    );
  }
  return { kind: 'process-group', reason: probe.reason };
}
