import { Exit, UsageError, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/dlq';
import { table } from '../render/table';
import { withClient } from './common';

const USAGE = 'fanout dlq list [--tool <tool>] [--json] | retry <seq>… | discard <seq>…';

type Args = Parsed<typeof declaration.options>;

/**
 * `fanout dlq`: the task attempts that used up their deliveries. `list` shows them (one
 * tool's with `--tool`; `--json` for scripts), `retry` puts each named one back on its
 * queue as it was, `discard` removes it for good. A dead letter is named by its sequence
 * number, as `list` prints it.
 */
export async function run(args: Args): Promise<ExitCode> {
  const [action, ...rest] = args.positionals;
  if (action === 'list') {
    if (rest.length > 0) throw new UsageError(`unexpected argument "${rest[0]}"; ${USAGE}`);
    return list(args);
  }
  if (action !== 'retry' && action !== 'discard') throw new UsageError(`usage: ${USAGE}`);
  if (rest.length === 0) throw new UsageError(`fanout dlq ${action} needs sequence numbers`);
  const seqs = rest.map((raw) => {
    const seq = Number(raw);
    if (!Number.isInteger(seq) || seq <= 0) {
      throw new UsageError(`"${raw}" is not a dead letter's sequence number (see fanout dlq list)`);
    }
    return seq;
  });
  return withClient(args, async (client) => {
    const letters = client.deadLetters();
    for (const seq of seqs) {
      await (action === 'retry' ? letters.retry(seq) : letters.discard(seq));
      process.stdout.write(`${action === 'retry' ? 'retried' : 'discarded'} ${seq}\n`);
    }
    return Exit.ok;
  });
}

async function list(args: Args): Promise<ExitCode> {
  const stored = await withClient(args, (client) => client.deadLetters().list(args.values.tool));
  if (args.values.json) {
    process.stdout.write(`${JSON.stringify(stored)}\n`);
    return Exit.ok;
  }
  if (stored.length === 0) {
    process.stdout.write('no dead letters\n');
    return Exit.ok;
  }
  const rows = stored.map(({ seq, letter }) => [
    String(seq),
    letter.tool,
    `${letter.envelope.workflowId}/${letter.envelope.taskId}`,
    String(letter.deliveries),
    new Date(letter.at).toISOString(),
    letter.lastError ? `${letter.lastError.code}: ${letter.lastError.message}`.slice(0, 80) : '',
  ]);
  const header = ['SEQ', 'TOOL', 'TASK', 'DELIVERIES', 'AT', 'LAST ERROR'];
  process.stdout.write(`${table(header, rows)}\n`);
  return Exit.ok;
}
