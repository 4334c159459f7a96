import { classify, Exit, messageOf, UsageError, type ExitCode } from './exit-codes';
import type { Command } from './options/declare';
import { HELP_OPTION } from './options/shared';

/**
 * Every command: its one line for `fanout --help`, and its module, imported only when it
 * is named (so that `--help` loads none). A command's flags, usage and help live in its
 * module (`export const command = defineCommand(…)`); a new command is that file and one
 * line here.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<{ command: Command }> }> = {
  run: {
    summary: 'run a workflow, show progress, then a summary (embedded without --nats)',
    load: () => import('./commands/run'),
  },
  ask: {
    summary: 'the master and its specialists answer a question about a tree and the web',
    load: () => import('./commands/ask'),
  },
  call: { summary: 'run one tool call', load: () => import('./commands/call') },
  mcp: {
    summary: "serve Fanout's tools to MCP clients over stdio or HTTP",
    load: () => import('./commands/mcp'),
  },
  dev: {
    summary: 'a local Fanout that stays up in the background: dev [status|stop]',
    load: () => import('./commands/dev'),
  },
  validate: {
    summary: 'check a workflow (YAML or JSON); every error with its location',
    load: () => import('./commands/validate'),
  },
  up: {
    summary: 'run services in the foreground until SIGTERM (what a container runs)',
    load: () => import('./commands/up'),
  },
  submit: {
    summary: 'submit a workflow and print its id',
    load: () => import('./commands/submit'),
  },
  watch: {
    summary: "print a workflow's events until it completes",
    load: () => import('./commands/watch'),
  },
  status: {
    summary: 'how a workflow stands now; without an id, the live services',
    load: () => import('./commands/status'),
  },
  cancel: { summary: 'cancel a workflow', load: () => import('./commands/cancel') },
  resources: {
    summary: "the monitor's view: allocation matrix, instances, queues, decisions",
    load: () => import('./commands/resources'),
  },
  dlq: {
    summary: 'dead letters: list, retry <seq>…, discard <seq>…',
    load: () => import('./commands/dlq'),
  },
  auth: {
    summary: 'auth init --out <dir>: credentials and server config for a secured bus',
    load: () => import('./commands/auth'),
  },
};

/** What `fanout --help` prints: built from the table alone, no command loaded. */
export function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  const lines = Object.entries(COMMANDS).map(
    ([name, { summary }]) => `  ${name.padEnd(width)}${summary}`,
  );
  return `fanout — run batches of tool calls as workflows over NATS

Usage: fanout <command> [options]
       fanout help <command>    (or fanout <command> --help): its arguments and flags

Commands:
${lines.join('\n')}

run, call, ask and mcp bring their own Fanout (a nats-server and every service in this
process) unless --nats, $NATS_URL or a running fanout dev names one.

Exit codes: 0 done, 1 workflow or tool failed, 2 invalid input or usage, 3 NATS unreachable
or no nats-server to embed.
`;
}

/** The command named, loaded, or a usage error suggesting what was meant. */
async function load(name: string): Promise<Command> {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) throw new UsageError(`unknown command "${name}"; see fanout --help`);
  return (await entry.load()).command;
}

/** `fanout help [command]`, `fanout --help`, `fanout <command> --help`: what to print. */
export async function helpText(name?: string): Promise<string> {
  if (name === undefined) return overview();
  const { commandHelp } = await import('./options/help');
  return commandHelp(await load(name));
}

/** Runs `fanout` with these arguments and returns its exit code; errors become messages. */
export async function run(argv: string[]): Promise<ExitCode> {
  try {
    const [name, ...rest] = argv;
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(await helpText(name === 'help' ? rest[0] : undefined));
      return name === undefined ? Exit.usage : Exit.ok;
    }
    if (name.startsWith('-')) {
      throw new UsageError(`the command comes first: fanout <command> ${name}…; see fanout --help`);
    }
    // Both at once: every command needs the parser, and each import is a round of loading.
    const [command, { parseOptions }] = await Promise.all([load(name), import('./options/parse')]);
    const parsed = parseOptions(name, { ...command.options, ...HELP_OPTION }, rest);
    if (parsed.values['help']) {
      process.stdout.write(await helpText(name));
      return Exit.ok;
    }
    return await command.run(parsed);
  } catch (thrown) {
    const error = await namingCredentials(thrown);
    const { code, expected } = classify(error);
    const message = messageOf(error);
    process.stderr.write(
      expected || !(error instanceof Error) ? `fanout: ${message}\n` : `fanout: ${error.stack}\n`,
    );
    return code;
  }
}

/**
 * A refusal by the server (a permission violation anywhere in the cause chain) said with
 * the credentials this process used; the client is loaded only then.
 */
async function namingCredentials(error: unknown): Promise<unknown> {
  let refused = false;
  for (let at = error; at instanceof Error; at = at.cause) {
    refused ||= at.name === 'PermissionViolationError';
  }
  if (!refused) return error;
  return (await import('@fanout/client')).namingCredentials(error);
}
