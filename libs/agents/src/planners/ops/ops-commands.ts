/**
 * What the ops specialist runs, most telling first (a small budget keeps the head of the
 * list): git state in the root, the package managers on the PATH, then the system.
 * `summarise` turns a command's output into the sentence a finding claims, quoting the
 * output lines it stands on; a command's output is no file, so it is cited in the claim.
 */
export interface OpsCommand {
  id: string;
  command: string;
  /** Exit codes that still carry an answer (`command -v` exits 1 when one name is missing). */
  okExitCodes?: number[];
  summarise(stdout: string): string;
}

/** Package managers looked for on the PATH. */
const MANAGERS = [
  'npm',
  'pnpm',
  'yarn',
  'bun',
  'pip',
  'pip3',
  'uv',
  'poetry',
  'cargo',
  'go',
  'apt-get',
  'dnf',
  'apk',
  'brew',
];

export const OPS_COMMANDS: readonly OpsCommand[] = [
  {
    id: 'git-status',
    command: 'git status --short --branch',
    summarise: (out) => {
      const [branch = '', ...changes] = lines(out);
      return `\`git status\`: ${branch.replace(/^## /, 'on ')}; ${changes.length} changed or untracked path(s)${quoteSome(changes, 5)}.`;
    },
  },
  {
    id: 'git-log',
    command: 'git log -n 10 --format=%h%x20%ad%x20%s --date=short',
    summarise: (out) => `\`git log -n 10\`: the last commits are ${quoteSome(lines(out), 10, '')}.`,
  },
  {
    id: 'git-diff',
    command: 'git diff --stat',
    summarise: (out) => {
      const total = lines(out).at(-1);
      return total
        ? `\`git diff --stat\`: ${total.trim()} (unstaged).`
        : '`git diff --stat`: no unstaged changes.';
    },
  },
  {
    id: 'packages',
    command: `command -v ${MANAGERS.join(' ')}`,
    okExitCodes: [0, 1],
    summarise: (out) => {
      const found = lines(out).map((path) => `${path.split('/').at(-1)} (${path})`);
      return found.length > 0
        ? `Package managers on the PATH: ${found.join(', ')}.`
        : `None of ${MANAGERS.join(', ')} is on the PATH.`;
    },
  },
  { id: 'uname', command: 'uname -a', summarise: (out) => `\`uname -a\`: ${lines(out)[0] ?? ''}.` },
  {
    id: 'disk',
    command: 'df -h',
    summarise: (out) => {
      const rows = lines(out)
        .slice(1)
        .map((row) => row.split(/\s+/));
      // The root is described whole; other mounts only when nearly full.
      const nearlyFull = rows.filter(
        (row) => row[5] !== '/' && Number.parseInt(row[4] ?? '', 10) >= 90,
      );
      const root = rows.find((row) => row[5] === '/');
      const rootSays = root
        ? `/ is ${root[4]} full (${root[2]} of ${root[1]} used, ${root[3]} free)`
        : 'no filesystem is mounted on /';
      const warn = nearlyFull.map((row) => `${row[5]} is ${row[4]} full`).join(', ');
      return `\`df -h\`: ${rootSays}${warn ? `; nearly full: ${warn}` : ''}.`;
    },
  },
  {
    id: 'memory',
    command: 'free -m',
    summarise: (out) => {
      const mem = lines(out)
        .find((row) => row.startsWith('Mem:'))
        ?.split(/\s+/);
      return mem
        ? `\`free -m\`: ${mem[1]} MiB of memory, ${mem[2]} MiB used, ${mem[6] ?? mem[3]} MiB available.`
        : `\`free -m\`: ${quoteSome(lines(out), 3, '')}.`;
    },
  },
  {
    id: 'uptime',
    command: 'uptime',
    summarise: (out) => `\`uptime\`: ${(lines(out)[0] ?? '').trim()}.`,
  },
  {
    id: 'processes',
    command: 'ps -eo pid,user,pcpu,pmem,comm --sort=-pcpu',
    summarise: (out) => {
      const [, ...rows] = lines(out);
      const top = rows.slice(0, 5).map((row) => {
        const [pid, user, cpu, mem, ...command] = row.trim().split(/\s+/);
        return `${command.join(' ')} (pid ${pid}, ${user}, ${cpu}% CPU, ${mem}% memory)`;
      });
      return `\`ps\`: ${rows.length} processes; the busiest are ${top.join(', ')}.`;
    },
  },
  {
    id: 'listening',
    command: 'ss -tuln',
    summarise: (out) => {
      const [, ...rows] = lines(out);
      const ports = [...new Set(rows.map((row) => row.trim().split(/\s+/)[4]?.split(':').at(-1)))];
      return `\`ss -tuln\`: ${rows.length} listening socket(s)${ports.length > 0 ? `, on port(s) ${ports.join(', ')}` : ''}.`;
    },
  },
];

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** Up to `max` lines quoted, for a claim; `lead` goes before them when there are any. */
function quoteSome(items: string[], max: number, lead = ': '): string {
  if (items.length === 0) return '';
  const quoted = items
    .slice(0, max)
    .map((item) => `"${shortened(item.trim())}"`)
    .join(', ');
  return `${lead}${quoted}${items.length > max ? ', …' : ''}`;
}

/** A quoted line cut to a readable length. */
function shortened(line: string): string {
  return line.length > QUOTE_CHARS ? `${line.slice(0, QUOTE_CHARS)}…` : line;
}

const QUOTE_CHARS = 100;
