/** How a walk treats ignore files and dot-files; shared by glob, grep and xref. */
export interface WalkOptions {
  gitignore: boolean;
  hidden: boolean;
}

/**
 * ripgrep flags that make a walk depend on the tree under the root and nothing else:
 * no config file from the environment, no ignore files from the root's parents or the
 * user's global git config (those lie outside the jail), and `.gitignore` honoured
 * whether or not the root is inside a git repository. Symlinks are never followed (rg's
 * default, and no `--follow` here), so a walk cannot leave the root through one.
 */
export function walkFlags({ gitignore, hidden }: WalkOptions): string[] {
  const flags = ['--no-config', '--no-ignore-parent', '--no-ignore-global', '--no-require-git'];
  if (!gitignore) flags.push('--no-ignore');
  if (hidden) flags.push('--hidden');
  return flags;
}
