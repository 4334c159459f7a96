import type { LoadSnapshot } from '@fanout/contracts';
import { Exit, type ExitCode } from '../exit-codes';
import { isLive } from '../render/progress-model';
import { table } from '../render/table';
import { withClient, type Connecting } from './common';

/**
 * `fanout status` without an id: every service instance that reported lately, with its
 * pools' busy slots, CPU and memory. Exits 1 when none is alive, so it doubles as a check
 * that something is there to run work.
 */
export async function servicesStatus(args: Connecting): Promise<ExitCode> {
  const snapshots = await withClient(args, (client) => client.instances());
  const now = Date.now();
  const live = snapshots.filter((snapshot) => isLive(snapshot, now));
  if (live.length === 0) {
    process.stdout.write('no live services (no load reported in the last 15 s)\n');
    return Exit.failed;
  }
  const header = ['SERVICE', 'INSTANCE', 'SEEN', 'POOLS BUSY', 'CPU', 'RSS'];
  const rows = live.map((snapshot) => row(snapshot, now));
  process.stdout.write(`${table(header, rows)}\n`);
  return Exit.ok;
}

function row(snapshot: LoadSnapshot, now: number): string[] {
  return [
    snapshot.service,
    snapshot.instance,
    `${Math.round((now - snapshot.at) / 1000)}s ago`,
    snapshot.pools.map(({ pool, busy, size }) => `${pool} ${busy}/${size}`).join(' '),
    `${Math.round(snapshot.cpuPercent)}%`,
    `${Math.round(snapshot.rssBytes / 2 ** 20)} MB`,
  ];
}
