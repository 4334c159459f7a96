import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, posix, relative, resolve, sep } from 'node:path';
import { CodebaseError, CodebaseErrorCode } from './errors';

/**
 * The directory a tool may see. `real` is the root with every symlink resolved: the
 * containment checks compare real paths, so a symlink cannot smuggle a path out.
 */
export interface Jail {
  /** The root as the caller gave it, made absolute; used in messages. */
  readonly given: string;
  /** The root's real path; every child process runs here and every check is against it. */
  readonly real: string;
}

/** A path inside a jail, both ways it is needed. */
export interface JailedPath {
  /** Relative to the root, "/"-separated, normalised: what tools report. */
  readonly relative: string;
  /** The real absolute path (symlinks resolved), checked to be inside the root. */
  readonly real: string;
}

/**
 * Opens a jail on `root`: it must exist and be a directory. Resolving it once up front
 * means a later symlink check compares like with like.
 */
export async function openJail(root: string): Promise<Jail> {
  const given = resolve(root);
  let real: string;
  try {
    real = await realpath(given);
  } catch (error) {
    throw new CodebaseError(CodebaseErrorCode.NotFound, `root "${root}" does not exist`, {
      cause: error,
    });
  }
  if (!(await stat(real)).isDirectory()) {
    throw new CodebaseError(CodebaseErrorCode.InvalidInput, `root "${root}" is not a directory`);
  }
  return { given, real };
}

/** True when `path` (absolute) is `root` or below it; both must be normalised. */
export function isInside(root: string, path: string): boolean {
  if (path === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return path.startsWith(prefix);
}

/**
 * The lexical half of the jail: turns a caller's path into one relative to the root, and
 * refuses `..` that climbs out and absolute paths elsewhere, before touching the disk.
 */
export function relativeInside(jail: Jail, path: string): string {
  if (path.includes('\0')) {
    throw new CodebaseError(CodebaseErrorCode.InvalidInput, `path "${path}" contains a NUL byte`);
  }
  const base = isAbsolute(path) && isInside(jail.given, resolve(path)) ? jail.given : jail.real;
  const absolute = resolve(base, path);
  if (!isInside(base, absolute)) {
    throw new CodebaseError(
      CodebaseErrorCode.PathOutsideRoot,
      `path "${path}" is outside root "${jail.given}" (it names ${absolute})`,
    );
  }
  return relative(base, absolute).split(sep).join(posix.sep);
}

/**
 * The whole jail: the lexical check, then the real path, so a symlink inside the root
 * that points outside it is refused too. A path that does not exist is `NOT_FOUND`.
 */
export async function resolveInside(jail: Jail, path: string): Promise<JailedPath> {
  const rel = relativeInside(jail, path);
  let real: string;
  try {
    real = await realpath(resolve(jail.real, rel));
  } catch (error) {
    throw new CodebaseError(
      CodebaseErrorCode.NotFound,
      `no file "${path}" under root "${jail.given}"`,
      { cause: error },
    );
  }
  if (!isInside(jail.real, real)) {
    throw new CodebaseError(
      CodebaseErrorCode.PathOutsideRoot,
      `path "${path}" is outside root "${jail.given}": a symlink resolves it to ${real}`,
    );
  }
  return { relative: rel, real };
}
