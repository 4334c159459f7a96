import { parseArgs } from 'node:util';
import { classify, Exit, messageOf, UsageError, type ExitCode } from './exit-codes';

/** What `fanout --help` prints; kept here so help needs no other module. */
export const HELP = `fanout — run batches of tool calls as workflows over NATS

Usage: fanout <command> [options]

Commands:
  run <file>             run a workflow, show progress, then a summary; without --nats or
                         $NATS_URL it starts its own nats-server and every service in-process
                           --json  one JSON document {summary, results} on stdout
                           --out <file>  also write that document to a file
                           --strict  a degraded workflow counts as failed
                           --ui  serve the dashboard while it runs (its URL on stderr)
  ask "<goal>"           the master and its specialists answer a question about a tree and
                         the web, every citation checked; like run, embedded without --nats
                           --root <dir>  the tree asked about (default: here)
                           --specialists <names>  some of codebase,web,ops,test (default: the
                                         master picks by the goal)
                           --budget tasks=500,time=5m[,concurrency=N]  for the whole ask
                           --json  one JSON document {goal, status, report, findings, tree, usage}
                           --out <file>  also write the report (or that document) to a file
                           --ui  serve the dashboard while it runs (its URL on stderr)
  call <tool>            run one tool call: --input '<json>' | --input @file [--json];
                         like run, embedded without --nats or $NATS_URL
  mcp                    serve Fanout's tools to MCP clients (coding agents, IDEs) over stdio;
                         like run, embedded without --nats, $NATS_URL or fanout dev
                           --http <port>  serve Streamable HTTP at /mcp instead (0: any port)
                           --host <addr>  listen there (default 127.0.0.1)
                           --token <t>  every HTTP request needs "Authorization: Bearer <t>"
                                        (or set $FANOUT_MCP_TOKEN)
                           --max-result-chars <n>  cut a larger result, linking to the whole
                                        (default 100000)
  dev [status|stop]      a local Fanout that stays up in the background (store under
                         $FANOUT_HOME, default ~/.fanout); run, call, ask, submit, watch,
                         status, cancel and dlq use it when no --nats or $NATS_URL is given
                           status [--json]  exit 0 running, 1 not running
  validate <file>        check a workflow (YAML or JSON); every error with its location
  up                     run services in the foreground until SIGTERM (what a container runs)
                           --only <names>  some of orchestrator,codebase-worker,bash-worker,
                                           web-worker,agent-worker,gateway
                           the gateway serves the dashboard on $FANOUT_UI_PORT (8480)
  submit <file>          submit a workflow and print its id
  watch <id>             print a workflow's events until it completes
  status [id]            how a workflow stands now; without an id, the live services
  cancel <id>            cancel a workflow [--reason <text>]
  resources              the monitor's view: allocation matrix, instances, queues by
                         priority, decisions; redrawn live on a terminal
                           --json  one document {at, matrix, instances, queues, decisions}
  dlq list|retry|discard dead letters: list [--tool <tool>] [--json], retry <seq>…, discard <seq>…
  auth init --out <dir>  credentials for a secured bus: nats-server.conf, and per role
                         (orchestrator, each worker, monitor, gateway, client) <role>.creds
                         and <role>.env with the NATS_* variables its process needs

Options:
  --nats <url>           NATS server(s), comma-separated (default: $NATS_URL, else a
                         running fanout dev, else nats://127.0.0.1:4222; for run, call
                         and ask, an embedded server)
  --prefix <prefix>      subject prefix (default: $FANOUT_SUBJECT_PREFIX or fanout)
  --timeout <ms>         how long to wait for a result
  --priority <0-4>       priority of what is submitted (default 2)
  --id <id>              workflow id to submit under (submit, run, ask)
  --secure               run, call, ask, mcp: the embedded Fanout with authentication on
                         (a fanout auth init setup of its own, each service on its role's
                         credentials); up: a nats-server of its own with it, the setup kept
                         in --out <dir> (default $FANOUT_HOME/secure)
  -h, --help             this help

Exit codes: 0 done, 1 workflow or tool failed, 2 invalid input or usage, 3 NATS unreachable
or no nats-server to embed.
`;

const OPTIONS = {
  nats: { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  strict: { type: 'boolean' },
  input: { type: 'string' },
  reason: { type: 'string' },
  timeout: { type: 'string' },
  priority: { type: 'string' },
  id: { type: 'string' },
  only: { type: 'string' },
  root: { type: 'string' },
  specialists: { type: 'string' },
  budget: { type: 'string' },
  tool: { type: 'string' },
  http: { type: 'string' },
  host: { type: 'string' },
  token: { type: 'string' },
  'max-result-chars': { type: 'string' },
  ui: { type: 'boolean' },
  secure: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Parsed command line, shared by every subcommand. */
export type Args = ReturnType<typeof parse>;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Each command's module, imported only when it runs so that `--help` stays instant. */
const COMMANDS: Record<string, () => Promise<{ default: (args: Args) => Promise<ExitCode> }>> = {
  validate: () => import('./commands/validate'),
  submit: () => import('./commands/submit'),
  watch: () => import('./commands/watch'),
  run: () => import('./commands/run'),
  ask: () => import('./commands/ask'),
  call: () => import('./commands/call'),
  cancel: () => import('./commands/cancel'),
  status: () => import('./commands/status'),
  resources: () => import('./commands/resources'),
  up: () => import('./commands/up'),
  dlq: () => import('./commands/dlq'),
  mcp: () => import('./commands/mcp'),
  dev: () => import('./commands/dev'),
  auth: () => import('./commands/auth'),
};

/** Runs `fanout` with these arguments and returns its exit code; errors become messages. */
export async function run(argv: string[]): Promise<ExitCode> {
  try {
    const args = parse(argv);
    const [name] = args.positionals;
    if (args.values.help || name === undefined || name === 'help') {
      process.stdout.write(HELP);
      return name === undefined && !args.values.help ? Exit.usage : Exit.ok;
    }
    const load = COMMANDS[name];
    if (!load) throw new UsageError(`unknown command "${name}"; see fanout --help`);
    return await (await load()).default(args);
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
