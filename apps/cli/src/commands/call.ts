import { callThroughDev } from '../dev/dev-call';
import { devHome, runningDev } from '../dev/dev-home';
import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/call';
import { argument, readUserFile, submission, withServices } from './common';

/** `--input '<json>'` or `--input @file`, which must hold a JSON object. */
async function readInput(raw: string | undefined): Promise<Record<string, unknown>> {
  if (raw === undefined) return {};
  const text = raw.startsWith('@') ? await readUserFile(raw.slice(1)) : raw;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError('--input must be a JSON object of the tool’s input fields');
  }
  return value as Record<string, unknown>;
}

/**
 * The tool must be in the catalogue and the input fit its contract, checked as the
 * orchestrator will check them: a typo should not cost a server's boot.
 */
export async function checkCall(tool: string, input: Record<string, unknown>): Promise<void> {
  const { formatErrors, validateToolCall } = await import('@fanout/workflow');
  const problems = validateToolCall(tool, input);
  const unknownTool = problems.find((problem) => problem.path === 'tool');
  if (unknownTool) throw new UsageError(unknownTool.message);
  if (problems.length > 0) {
    const lines = formatErrors(problems).replace(/^/gm, '  ');
    throw new UsageError(`--input does not fit ${tool}:\n${lines}`);
  }
}

/**
 * `fanout call <tool> --input ...`: one tool call, on the running services or, without a
 * NATS URL, a running `fanout dev` (handed over its control socket: see `serveControl`) or
 * else an embedded Fanout as `run` does. With `--json`, stdout is exactly one document
 * `{"tool","status","result","error"}`; otherwise the result, pretty-printed.
 */
export async function run(args: Parsed<typeof declaration.options>): Promise<ExitCode> {
  const tool = argument(args, 'tool name');
  const input = await readInput(args.values.input);
  const timeoutMs = args.values.timeout;
  const options = { ...submission(args.values), ...(timeoutMs ? { timeoutMs } : {}) };
  const socket = await devSocket(args);
  const outcome = socket
    ? await callThroughDev(socket, { tool, input, ...options })
    : await checkCall(tool, input).then(() =>
        withServices(args, (client) => client.call(tool, input, options)),
      );
  const ok = outcome.status === 'succeeded';
  if (args.values.json) {
    const document = {
      tool,
      status: outcome.status,
      result: outcome.result ?? null,
      error: outcome.error ?? null,
    };
    process.stdout.write(`${JSON.stringify(document)}\n`);
  } else if (ok) {
    process.stdout.write(`${JSON.stringify(outcome.result, null, 2)}\n`);
  } else {
    const error = outcome.error
      ? `${outcome.error.code}: ${outcome.error.message}`
      : 'no error recorded';
    process.stderr.write(`fanout: ${tool} ${outcome.status}: ${error}\n`);
  }
  return ok ? Exit.ok : Exit.failed;
}

/** The control socket of the `fanout dev` this call goes to, when it goes to one. */
async function devSocket(args: Parsed<typeof declaration.options>): Promise<string | undefined> {
  if (args.values.nats || process.env['NATS_URL']) return undefined;
  const dev = await runningDev(devHome());
  if (!dev?.socket) return undefined;
  // Another prefix than the dev's: that is another installation, reached the usual way.
  if (args.values.prefix && args.values.prefix !== dev.prefix) return undefined;
  return dev.socket;
}
