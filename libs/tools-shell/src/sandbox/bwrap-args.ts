import { existsSync, statSync } from 'node:fs';
import { MASKED_PATHS } from './sandbox-options';

/** What the sandbox of one command is made of. */
export interface BwrapSpec {
  /** The workspace: the command's cwd and the only writable place besides a private /tmp. */
  workspace: string;
  network: boolean;
  /** The caller's home, hidden behind an empty tmpfs (it holds the caller's credentials). */
  home?: string;
}

/**
 * bubblewrap's arguments: the whole root read-only, a fresh /dev (no disks in it) and
 * /proc, private /tmp, the workspace bound writable, credentials masked; new PID, IPC and
 * UTS namespaces (and network, unless the call asks for it); every capability dropped; and
 * the sandbox dies with its parent. Order matters: masks come before the workspace bind,
 * so a workspace inside a masked place (`/root/project`) is still there.
 */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const args = [
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    '--tmpfs',
    '/var/tmp',
  ];
  const masked = new Set<string>([...MASKED_PATHS, ...(spec.home ? [spec.home] : [])]);
  for (const path of masked) {
    if (path === '/' || spec.workspace === path) continue;
    const kind = kindOf(path);
    if (kind === 'dir') args.push('--tmpfs', path);
    else if (kind === 'file') args.push('--ro-bind', '/dev/null', path);
  }
  args.push('--bind', spec.workspace, spec.workspace, '--chdir', spec.workspace);
  args.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try');
  if (!spec.network) args.push('--unshare-net');
  args.push('--die-with-parent', '--cap-drop', 'ALL', '--hostname', 'fanout-sandbox', '--');
  return args;
}

function kindOf(path: string): 'dir' | 'file' | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch {
    return undefined;
  }
}
