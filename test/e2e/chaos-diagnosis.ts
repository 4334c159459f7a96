import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Subjects } from '@fanout/contracts';
import { EventStream, foldLog } from '@fanout/messaging';
import type { ServiceProcess } from '@fanout/testing';

/**
 * What a workflow that did not finish is waiting on, for the failure message of a chaos
 * test: its log (folded as the orchestrator replays it) by event type and the tasks with no
 * outcome, each stream's and consumer's leader, replicas and backlog, and the last lines of
 * every service. Every part that cannot be read says why instead.
 */
export async function diagnose(
  connection: NatsConnection,
  names: Subjects,
  workflowId: string,
  services: Map<string, ServiceProcess>,
): Promise<string> {
  const waiting: string[] = [];
  const parts = await Promise.all([
    attempt('log', () => logSummary(connection, names, workflowId, waiting)),
    attempt('streams', () => streamSummary(connection, names)),
  ]);
  for (const [instance, service] of services) {
    const output = service.output().trimEnd().split('\n');
    // What it said of the tasks still waiting (their bare ids, e.g. `read187`), and of ownership.
    const mentions = output.filter(
      (line) =>
        waiting.some((task) => line.includes(`/${task}:`) || line.includes(`/${task}"`)) ||
        /took over|dropped|lost the lease|replaying|not part of|orphans/.test(line),
    );
    parts.push(
      `--- ${instance} (pid ${service.pid}), about waiting tasks and ownership:\n${mentions.slice(-40).join('\n')}`,
      `--- ${instance}, last lines:\n${output.slice(-15).join('\n')}`,
    );
  }
  return parts.join('\n');
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
    for await (const consumer of jsm.consumers.list(stream)) {
      const { delivered, ack_floor: acked } = consumer;
      lines.push(
        `  ${consumer.name}: delivered ${delivered.stream_seq}, acked to ${acked.stream_seq}, pending ${consumer.num_pending}, unacked ${consumer.num_ack_pending}, redelivered ${consumer.num_redelivered}, waiting pulls ${consumer.num_waiting}, leader ${consumer.cluster?.leader ?? 'none'}`,
      );
    }
  }
  return lines.join('\n');
}
