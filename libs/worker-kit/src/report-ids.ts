import { createHash, randomBytes } from 'node:crypto';
import type { TaskEnvelope } from '@fanout/contracts';

/** The wire's limit on a command id (`Nats-Msg-Id`). */
const MAX_COMMAND_ID = 200;
/** Room kept for the `:<kind>[:<n>]` tail. */
const TAIL_ROOM = 40;

/**
 * The part of a report's command id naming the attempt: `<workflowId>:<taskId>:<attempt>`.
 * Ids may be long enough (a 100-character workflow id and a forEach task id) to push a
 * command id past its 200 characters, and a refused report would be lost; such a base is
 * replaced by a hash of itself, which is just as deterministic, so dedup still works.
 */
export function attemptKey(
  envelope: Pick<TaskEnvelope, 'workflowId' | 'taskId' | 'attempt'>,
): string {
  const key = `${envelope.workflowId}:${envelope.taskId}:${envelope.attempt}`;
  if (key.length <= MAX_COMMAND_ID - TAIL_ROOM) return key;
  return `h-${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * Command ids of one attempt's reports. `started` and the terminal reports are the same on
 * every run of the attempt, so a run repeated after a crash is recorded once. Heartbeats
 * carry a random id of the run: the rerun's first heartbeat must not be swallowed as a
 * duplicate of the dead run's first one, or the engine would think the rerun silent. (The
 * delivery count cannot serve: nats-server 2.9 restarts it at 1 for a message given back
 * with nak while no pull request waits.)
 */
export const reportIds = {
  started: (key: string) => `${key}:started`,
  heartbeat: (key: string, run: string, n: number) => `${key}:heartbeat:${run}-${n}`,
  terminal: (key: string, kind: 'succeeded' | 'failed') => `${key}:${kind}`,
};

/**
 * Random once per process: with a count of the runs it made, every run of every process
 * has its own id. A random id per run cost about 20 µs of CPU (a synchronous call into
 * the system's random source) on every task, for heartbeats most tasks never send.
 */
const PROCESS_TAG = randomBytes(4).toString('hex');
let runs = 0;

/** A short id, unique to one run of an attempt, for its heartbeat ids. */
export function runId(): string {
  runs += 1;
  return `${PROCESS_TAG}${runs.toString(36)}`;
}
