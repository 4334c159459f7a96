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
  const parts = await Promise.all([
    attempt('log', () => logSummary(connection, names, workflowId)),
    attempt('streams', () => streamSummary(connection, names)),
  ]);
  for (const [instance, service] of services) {
    const lines = service.output().trimEnd().split('\n').slice(-25);
    parts.push(`--- ${instance} (pid ${service.pid}), last lines:\n${lines.join('\n')}`);
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
  const waiting = [...open].slice(0, 20).map(([task, last]) => `${task} (${last})`);
  return [
    `--- log of ${workflowId}: ${stored.length} stored, ${log.entries.length} in the log, ${log.leftOut} left out`,
    [...byType].map(([type, count]) => `${type} ${count}`).join(', '),
    `${open.size} tasks without an outcome, e.g. ${waiting.join(', ')}`,
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
      `${stream}: ${info.state.messages} messages, leader ${info.cluster?.leader ?? 'none'} (${replicas})`,
    );
    for await (const consumer of jsm.consumers.list(stream)) {
      if (consumer.num_pending + consumer.num_ack_pending + consumer.num_waiting === 0) continue;
      lines.push(
        `  ${consumer.name}: pending ${consumer.num_pending}, unacked ${consumer.num_ack_pending}, redelivered ${consumer.num_redelivered}, waiting pulls ${consumer.num_waiting}, leader ${consumer.cluster?.leader ?? 'none'}`,
      );
    }
  }
  return lines.join('\n');
}
