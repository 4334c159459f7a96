import { classify, Exit, messageOf, UsageError, type ExitCode } from './exit-codes';
import type { CommandDeclaration, CommandImplementation } from './options/declare';
import { HELP_OPTION } from './options/shared';

/**
 * Every command: its one line for `fanout --help`, its declaration (usage, help, flags) and
 * what it does, each imported only when needed: `fanout --help` loads none of them, `fanout
 * <command> --help` only the declaration. A command is its declaration
 * (`options/commands/<name>.ts`, `declareCommand(…)`), its `run` (`commands/<name>.ts`) and
 * its entry here.
 */
const COMMANDS: Record<
  string,
  {
    summary: string;
    declared: () => Promise<{ declaration: CommandDeclaration }>;
    load: () => Promise<CommandImplementation>;
  }
> = {
  run: {
    summary: 'run a workflow, show progress, then a summary (embedded without --nats)',
    declared: () => import('./options/commands/run'),
    load: () => import('./commands/run'),
  },
  ask: {
    summary: 'the master and its specialists answer a question about a tree and the web',
    declared: () => import('./options/commands/ask'),
    load: () => import('./commands/ask'),
  },
  call: {
    summary: 'run one tool call',
    declared: () => import('./options/commands/call'),
    load: () => import('./commands/call'),
  },
  mcp: {
    summary: "serve Fanout's tools to MCP clients over stdio or HTTP",
    declared: () => import('./options/commands/mcp'),
    load: () => import('./commands/mcp'),
  },
  dev: {
    summary: 'a local Fanout that stays up in the background: dev [status|stop]',
    declared: () => import('./options/commands/dev'),
    load: () => import('./commands/dev'),
  },
  validate: {
    summary: 'check a workflow (YAML or JSON); every error with its location',
    declared: () => import('./options/commands/validate'),
    load: () => import('./commands/validate'),
  },
  up: {
    summary: 'run services in the foreground until SIGTERM (what a container runs)',
    declared: () => import('./options/commands/up'),
    load: () => import('./commands/up'),
  },
  submit: {
    summary: 'submit a workflow and print its id',
    declared: () => import('./options/commands/submit'),
    load: () => import('./commands/submit'),
  },
  watch: {
    summary: "print a workflow's events until it completes",
    declared: () => import('./options/commands/watch'),
    load: () => import('./commands/watch'),
  },
  status: {
    summary: 'how a workflow stands now; without an id, the live services',
    declared: () => import('./options/commands/status'),
    load: () => import('./commands/status'),
  },
  cancel: {
    summary: 'cancel a workflow',
    declared: () => import('./options/commands/cancel'),
    load: () => import('./commands/cancel'),
  },
  resources: {
    summary: "the monitor's view: allocation matrix, instances, queues, decisions",
    declared: () => import('./options/commands/resources'),
    load: () => import('./commands/resources'),
  },
  dlq: {
    summary: 'dead letters: list, retry <seq>…, discard <seq>…',
    declared: () => import('./options/commands/dlq'),
    load: () => import('./commands/dlq'),
  },
  auth: {
    summary: 'auth init --out <dir>: credentials and server config for a secured bus',
    declared: () => import('./options/commands/auth'),
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

/** The command named, or a usage error. */
function commandNamed(name: string) {
  const entry = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!entry) throw new UsageError(`unknown command "${name}"; see fanout --help`);
  return entry;
}

/** `fanout help [command]`, `fanout --help`, `fanout <command> --help`: what to print. */
export async function helpText(name?: string): Promise<string> {
  if (name === undefined) return overview();
  const { declaration } = await commandNamed(name).declared();
  const { commandHelp } = await import('./options/help');
  return commandHelp(declaration);
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
    const command = commandNamed(name);
    // All at once, each import being a round of loading: the parser, the declaration and,
    // unless help is asked for, what the command does (a `-h` that is only a flag's value
    // just defers that load until after the parse).
    const asksHelp = rest.includes('--help') || rest.includes('-h');
    const [{ declaration }, { parseOptions }, implementation] = await Promise.all([
      command.declared(),
      import('./options/parse'),
      asksHelp ? undefined : command.load(),
    ]);
    const parsed = parseOptions(name, { ...declaration.options, ...HELP_OPTION }, rest);
    if (parsed.values['help']) {
      process.stdout.write(await helpText(name));
      return Exit.ok;
    }
    return await (implementation ?? (await command.load())).run(parsed);
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
