import type { Category } from './categories';

/** A program (base-name glob), optionally only with a subcommand matching `sub`. */
export interface ProgramKind {
  program: string;
  sub?: RegExp;
}

const INSTALLS = /^(install|i|ci|add|remove|rm|uninstall|update|up|upgrade|outdated|audit|dedupe|prune|link|publish)$/;

/**
 * Which programs do which kind of work, checked in this order: a line that installs and
 * then builds (`npm ci && npm run build`) counts as the scarcer, earlier kind. Programs
 * nothing names count as `system-analysis` — looking around is what unknown commands
 * mostly do.
 */
export const CATEGORY_TABLE: readonly [Category, readonly ProgramKind[]][] = [
  [
    'network',
    ['curl', 'wget', 'aria2c', 'ssh', 'scp', 'sftp', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'ping', 'dig', 'nslookup', 'host', 'whois', 'traceroute', 'nmap', 'http', 'gh'].map(
      (program) => ({ program }),
    ),
  ],
  [
    'package-management',
    [
      ...['npm', 'pnpm', 'yarn', 'bun'].map((program) => ({ program, sub: INSTALLS })),
      ...['pip', 'pip3', 'pipx', 'uv', 'poetry', 'conda', 'apt', 'apt-get', 'aptitude', 'dpkg', 'gem', 'brew', 'composer'].map(
        (program) => ({ program }),
      ),
      { program: 'cargo', sub: /^(install|add|remove|update|fetch|publish)$/ },
      { program: 'go', sub: /^(get|mod)$/ },
    ],
  ],
  [
    'build',
    [
      ...['make', 'cmake', 'ninja', 'gcc', 'g++', 'cc', 'c++', 'clang', 'clang++', 'rustc', 'javac', 'tsc', 'esbuild', 'webpack', 'vite', 'rollup', 'mvn', 'gradle', 'dotnet', 'bazel', 'nx', 'turbo', 'npx', 'tsx', 'vitest', 'jest', 'pytest', 'cargo', 'go', 'docker', 'podman'].map(
        (program) => ({ program }),
      ),
      ...['npm', 'pnpm', 'yarn', 'bun'].map((program) => ({ program })),
    ],
  ],
  ['git', ['git', 'tig', 'git-*'].map((program) => ({ program }))],
  [
    'process-management',
    ['ps', 'kill', 'pkill', 'killall', 'pgrep', 'pidof', 'top', 'htop', 'renice', 'jobs', 'wait', 'disown', 'fg', 'bg', 'systemctl', 'service'].map(
      (program) => ({ program }),
    ),
  ],
  [
    'file-operations',
    ['ls', 'cp', 'mv', 'rm', 'mkdir', 'rmdir', 'touch', 'ln', 'chmod', 'chown', 'chgrp', 'cat', 'head', 'tail', 'tar', 'zip', 'unzip', 'gzip', 'gunzip', 'xz', 'zstd', 'find', 'fd', 'rsync', 'install', 'dd', 'truncate', 'tee', 'stat', 'file', 'realpath', 'readlink', 'basename', 'dirname', 'split', 'patch', 'sed', 'mktemp', 'shred'].map(
      (program) => ({ program }),
    ),
  ],
];
