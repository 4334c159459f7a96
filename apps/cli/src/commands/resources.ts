import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourcesReport } from '@fanout/contracts';
import { Exit, type ExitCode } from '../exit-codes';
import type { Parsed } from '../options/declare';
import type { declaration } from '../options/commands/resources';
import { resourcesText } from '../render/resources';
import { noArgument, withClient } from './common';

/** How often a terminal's view is redrawn. */
const REFRESH_MS = 2_000;

/**
 * `fanout resources`: the monitor's view — the allocation matrix, each instance, queue
 * depth per tool and priority with the oldest wait, and its latest decisions. On a
 * terminal it is redrawn every 2 s until Ctrl-C; `--json` prints one document
 * `{at, matrix, instances, queues, decisions}` once; piped, the table once.
 */
export async function run(args: Parsed<typeof declaration.options>): Promise<ExitCode> {
  noArgument(args);
  const live = !args.values.json && process.stdout.isTTY;
  return withClient(args, async (client) => {
    const ask = async (): Promise<ResourcesReport | undefined> => {
      try {
        return await client.resources();
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'NO_RESPONDERS') throw error;
        process.stderr.write('fanout: no monitor answers: start one (fanout up runs it)\n');
        return undefined;
      }
    };
    let stop = false;
    const interrupted = () => (stop = true);
    process.once('SIGINT', interrupted);
    try {
      do {
        const report = await ask();
        if (!report) return Exit.infrastructure;
        if (args.values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
        else
          process.stdout.write(
            `${live ? '\x1b[2J\x1b[H' : ''}${resourcesText(report, Date.now())}`,
          );
        if (live) await sleep(REFRESH_MS);
      } while (live && !stop);
      return Exit.ok;
    } finally {
      process.off('SIGINT', interrupted);
    }
  });
}
