import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Subjects } from '@fanout/contracts';
import { EventStream, foldLog } from '@fanout/messaging';
import type { ServiceProcess } from '@fanout/testing';

/**
 * What a workflow that did not finish is waiting on, for the failure message of a chaos
 * test: the last lines of every service, each stream's and busy consumer's leader,
 * replicas and backlog, what each service said of ownership and of the waiting tasks, and
 * last its log (folded as the orchestrator replays it) by event type with the tasks that
 * have no outcome. Every part that cannot be read says why instead.
 */
export async function diagnose(
  connection: NatsConnection,
  names: Subjects,
  workflowId: string,
  services: Map<string, ServiceProcess>,
): Promise<string> {
  const waiting: string[] = [];
  const [log, streams] = await Promise.all([
    attempt('log', () => logSummary(connection, names, workflowId, waiting)),
    attempt('streams', () => streamSummary(connection, names)),
  ]);
  const lastLines: string[] = [];
  const mentions: string[] = [];
  for (const [instance, service] of services) {
    const output = service.output().trimEnd().split('\n');
    lastLines.push(
      `--- ${instance} (pid ${service.pid}, ${await cpuNow(service.pid)}), last lines:\n${output.slice(-15).join('\n')}`,
    );
    // What it said of the tasks still waiting (their bare ids, e.g. `read187`), and of ownership.
    const said = output.filter(
      (line) =>
        waiting.some((task) => line.includes(`/${task}:`) || line.includes(`/${task}"`)) ||
        /took over|dropped|lost the lease|replaying|not part of|orphans/.test(line),
    );
    mentions.push(
      `--- ${instance}, about waiting tasks and ownership:\n${said.slice(-40).join('\n')}`,
    );
  }
  // Most telling last: a long report is often read from its end.
  return [...lastLines, streams, ...mentions, log].join('\n');
}

/**
 * How busy a process is over the next second: a silent service is either waiting on
 * something or spinning, and this tells which.
 */
async function cpuNow(pid: number | undefined): Promise<string> {
  const ticks = async () => {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime (fields 14 and 15 of stat(5)), in clock ticks of 10 ms.
    return Number(fields[11]) + Number(fields[12]);
  };
  try {
    const before = await ticks();
    await sleep(1_000);
    return `${(await ticks()) - before}% of a core over the last second`;
  } catch {
    return 'not running';
  }
}

async function attempt(what: string, read: () => Promise<string>): Promise<string> {
  try {
    return await read();
  } catch (error) {
    return `--- ${what}: could not be read: ${error}`;
  }
}

async function logSummary(
  connection: NatsConnection,
  names: Subjects,
  workflowId: string,
  waiting: string[],
): Promise<string> {
  const stored = await new EventStream(connection, names).read({ workflowId }, 'all', {
    results: 'refs',
  });
  const log = foldLog(stored);
  const byType = new Map<string, number>();
  const open = new Map<string, string>();
  for (const { event } of log.entries) {
    byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
    if (!('taskId' in event)) continue;
    if (event.type === 'TaskSucceeded' || event.type === 'TaskFailed') open.delete(event.taskId);
    else open.set(event.taskId, event.type);
  }
  waiting.push(...[...open.keys()].slice(0, 5).map((task) => task.split('/').at(-1)!));
  const examples = [...open].slice(0, 20).map(([task, last]) => `${task} (${last})`);
  return [
    `--- log of ${workflowId}: ${stored.length} stored, ${log.entries.length} in the log, ${log.leftOut} left out`,
    [...byType].map(([type, count]) => `${type} ${count}`).join(', '),
    `${open.size} tasks without an outcome, e.g. ${examples.join(', ')}`,
  ].join('\n');
}

async function streamSummary(connection: NatsConnection, names: Subjects): Promise<string> {
  const jsm = await jetstreamManager(connection, { timeout: 5_000 });
  const lines = ['--- streams and consumers'];
  for (const stream of Object.values(names.streams)) {
    const info = await jsm.streams.info(stream);
    const replicas = (info.cluster?.replicas ?? [])
      .map(
        (r) =>
          `${r.name}${r.current ? '' : ' behind'}${r.offline ? ' offline' : ''} lag ${r.lag ?? 0}`,
      )
      .join('; ');
    lines.push(
      `${stream}: ${info.state.messages} messages (seq ${info.state.first_seq}–${info.state.last_seq}), leader ${info.cluster?.leader ?? 'none'} (${replicas})`,
    );
    let idle = 0;
    for await (const consumer of jsm.consumers.list(stream)) {
      const { delivered, ack_floor: acked } = consumer;
      // A work queue's consumer with nothing waiting or held says nothing: counted only.
      const busy = consumer.num_pending + consumer.num_ack_pending + consumer.num_redelivered;
      if (info.config.retention === 'workqueue' && busy === 0) {
        idle++;
        continue;
      }
      lines.push(
        `  ${consumer.name}: delivered ${delivered.stream_seq}, acked to ${acked.stream_seq}, pending ${consumer.num_pending}, unacked ${consumer.num_ack_pending}, redelivered ${consumer.num_redelivered}, waiting pulls ${consumer.num_waiting}, leader ${consumer.cluster?.leader ?? 'none'}`,
      );
    }
    if (idle > 0) lines.push(`  and ${idle} consumers with nothing waiting or held`);
  }
  return lines.join('\n');
}
