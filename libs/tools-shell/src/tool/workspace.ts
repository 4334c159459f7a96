import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ShellError, ShellErrorCode } from '../errors';

/**
 * The directory a call runs in: it must exist, be a directory, lie inside the workspace
 * root when there is one (after symlinks are followed), and not be `/` — the sandbox
 * makes the working directory writable, and a writable `/` is no sandbox at all.
 */
export function resolveWorkspace(cwd: string | undefined, root: string | undefined): string {
  const base = root ?? process.cwd();
  const wanted = cwd === undefined ? base : isAbsolute(cwd) ? cwd : resolve(base, cwd);
  let real: string;
  try {
    real = realpathSync(wanted);
    if (!statSync(real).isDirectory()) throw new Error('not a directory');
  } catch (error) {
    throw new ShellError(
      ShellErrorCode.InvalidInput,
      `cwd ${wanted} is not an existing directory`,
      { cause: error },
    );
  }
  if (real === '/') {
    throw new ShellError(
      ShellErrorCode.InvalidInput,
      'cwd / would make the whole file system the writable workspace',
    );
  }
  if (root !== undefined) {
    const realRoot = realpathSync(root);
    const inside = relative(realRoot, real);
    if (inside.startsWith(`..${sep}`) || inside === '..' || isAbsolute(inside)) {
      throw new ShellError(
        ShellErrorCode.InvalidInput,
        `cwd ${wanted} is outside the workspace root ${realRoot}`,
      );
    }
  }
  return real;
}
