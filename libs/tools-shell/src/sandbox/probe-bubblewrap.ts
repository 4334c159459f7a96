import { execa } from 'execa';

/** Whether bubblewrap can build a sandbox on this machine, and if not, why. */
export type BubblewrapProbe = { ok: true; path: string } | { ok: false; reason: string };

const probes = new Map<string, Promise<BubblewrapProbe>>();

/**
 * Tries bubblewrap once per process with the namespaces bash.exec uses. Being installed is
 * not enough: containers often forbid the namespaces, and then every command would fail.
 */
export function probeBubblewrap(path = 'bwrap'): Promise<BubblewrapProbe> {
  const known = probes.get(path);
  if (known) return known;
  const probing = (async (): Promise<BubblewrapProbe> => {
    const result = await execa(
      path,
      [
        '--ro-bind',
        '/',
        '/',
        '--dev',
        '/dev',
        '--proc',
        '/proc',
        '--unshare-pid',
        '--unshare-net',
        '--die-with-parent',
        '--cap-drop',
        'ALL',
        '--',
        'true',
      ],
      { reject: false, timeout: 10_000, stdin: 'ignore' },
    );
    if (result.failed) {
      const why =
        result.code === 'ENOENT'
          ? `${path} is not installed`
          : `${path} failed: ${String(result.stderr || result.shortMessage).trim()}`;
      return { ok: false, reason: why };
    }
    return { ok: true, path };
  })();
  probes.set(path, probing);
  return probing;
}
