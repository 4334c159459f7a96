import { TOOL_FAMILIES, type ResourcesReport } from '@fanout/contracts';
import { table } from './table';

const MIB = 2 ** 20;
const KIB = 1024;
/** Bytes per second read and written, in kB/s: `12/3 kB/s`. */
const rates = (r: ResourcesReport['instances'][number]['io']) =>
  r ? `${Math.round(r.readBytesPerSec / KIB)}/${Math.round(r.writeBytesPerSec / KIB)} kB/s` : '-';
const ago = (ms: number) => `${Math.max(0, Math.round(ms / 1000))}s`;

/**
 * `fanout resources` as text: the matrix beside what each family's live instances use,
 * the instances, the queues that hold work (by priority, with the oldest wait) and the
 * latest decisions.
 */
export function resourcesText(report: ResourcesReport, now: number): string {
  const live = report.instances.filter((i) => i.status !== 'silent' && i.status !== 'stopped');
  const matrix = table(
    ['FAMILY', 'CPU', 'MEM', 'IO', 'NET', 'STORAGE', 'INSTANCES', 'CPU USED', 'RSS'],
    TOOL_FAMILIES.map((family) => {
      const share = report.matrix[family];
      const mine = live.filter((i) => i.family === family);
      const cpu = mine.reduce((sum, i) => sum + (i.cpuPercent ?? 0), 0);
      const rss = mine.reduce((sum, i) => sum + (i.rssBytes ?? 0), 0);
      return [
        family,
        ...[share?.cpu, share?.memory, share?.io, share?.network, share?.storage].map(
          (value) => `${value ?? '-'}%`,
        ),
        String(mine.length),
        `${Math.round(cpu)}%`,
        `${Math.round(rss / MIB)} MB`,
      ];
    }),
  );
  const instances = table(
    [
      'SERVICE',
      'INSTANCE',
      'STATUS',
      'SEEN',
      'POOLS BUSY',
      'CPU',
      'RSS',
      'LOOP P99',
      'IO R/W',
      'NET',
    ],
    report.instances.map((i) => [
      i.service,
      i.instance,
      i.status,
      `${ago(now - i.lastSeenAt)} ago`,
      i.pools.map(({ pool, busy, size }) => `${pool} ${busy}/${size}`).join(' '),
      i.cpuPercent === undefined ? '-' : `${Math.round(i.cpuPercent)}%`,
      i.rssBytes === undefined ? '-' : `${Math.round(i.rssBytes / MIB)} MB`,
      i.eventLoopDelayMs ? `${Math.round(i.eventLoopDelayMs.p99)} ms` : '-',
      rates(i.io),
      rates(i.network),
    ]),
  );
  const waiting = report.queues.filter((q) => q.waiting > 0);
  const queues = waiting.length
    ? table(
        ['TOOL', 'PRIORITY', 'WAITING', 'OLDEST'],
        waiting.map((q) => [
          q.tool,
          `p${q.priority}`,
          String(q.waiting),
          q.oldestAgeMs === undefined ? '-' : ago(q.oldestAgeMs),
        ]),
      )
    : 'no task waiting';
  const decisions = report.decisions.length
    ? report.decisions
        .slice(-10)
        .map((d) => {
          const who = d.instance ? ` ${d.service}/${d.instance}` : d.family ? ` ${d.family}` : '';
          return `${ago(now - d.at)} ago  ${d.kind}${who}: ${d.reason}`;
        })
        .join('\n')
    : 'none yet';
  return [
    'MATRIX (share of the host) and use by live instances',
    matrix,
    '',
    `INSTANCES (${live.length} live of ${report.instances.length})`,
    report.instances.length ? instances : 'none heard of',
    '',
    'QUEUES',
    queues,
    '',
    'DECISIONS (latest 10)',
    decisions,
    '',
  ].join('\n');
}
