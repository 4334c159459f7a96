import { PRIORITIES } from './ids';
import type { Subjects } from './subjects';

/**
 * Every kind of credentials `fanout auth init` writes: one per kind of service, and one
 * for clients (the CLI, the SDK, MCP). A role is also its service's name in heartbeats
 * and metrics, so a role may speak only as itself there.
 */
export const ROLES = [
  'orchestrator',
  'codebase-worker',
  'bash-worker',
  'web-worker',
  'agent-worker',
  'monitor',
  'gateway',
  'client',
] as const;

export type Role = (typeof ROLES)[number];

/** The roles that run tools: each pulls its own tools' queues and nothing else. */
export type WorkerRole = Extract<Role, `${string}-worker`>;

export function isRole(name: string): name is Role {
  return (ROLES as readonly string[]).includes(name);
}

export function isWorkerRole(role: Role): role is WorkerRole {
  return role.endsWith('-worker');
}

/** What one role may do on the bus, as NATS subject permissions. */
export interface RolePermissions {
  /** Subjects it may publish to (JetStream API calls included: they are publishes). */
  publish: string[];
  /** Subjects it may subscribe to. */
  subscribe: string[];
  /** Whether it answers requests (may publish once to the reply subject of one it received). */
  responds: boolean;
  /**
   * Where its replies arrive: its own inbox space, so no role can read another's replies
   * (a pulled task travels to the puller's inbox).
   */
  inboxPrefix: string;
}

/**
 * The inbox prefix of a role's connections: `_INBOX_<role>` with `-` as `_`. The client
 * library makes every reply subject under it (`NATS_INBOX_PREFIX`).
 */
export function inboxPrefix(role: Role): string {
  return `_INBOX_${role.replace(/-/g, '_')}`;
}

/**
 * JetStream API subjects, per stream. Each is a publish permission: the JetStream API is
 * requests on `$JS.API.…` and acknowledgements on `$JS.ACK.…`.
 */
const js = {
  /** Everything on one stream: create, update, purge, delete, its consumers, its messages. */
  admin: (stream: string) => [
    `$JS.API.STREAM.*.${stream}`,
    `$JS.API.STREAM.MSG.*.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.CONSUMER.*.${stream}`,
    `$JS.API.CONSUMER.*.${stream}.>`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.*`,
    `$JS.ACK.${stream}.>`,
  ],
  /** Looking at a stream's state (limits, message counts), changing nothing. */
  info: (stream: string) => [`$JS.API.STREAM.INFO.${stream}`],
  /**
   * Reading a stream: its messages by sequence or subject, and ordered (ephemeral)
   * consumers over it, which the reader creates, pulls and deletes.
   */
  read: (stream: string) => [
    `$JS.API.STREAM.INFO.${stream}`,
    `$JS.API.STREAM.MSG.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}`,
    `$JS.API.DIRECT.GET.${stream}.>`,
    `$JS.API.CONSUMER.CREATE.${stream}.>`,
    `$JS.API.CONSUMER.INFO.${stream}.*`,
    `$JS.API.CONSUMER.DELETE.${stream}.*`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.*`,
  ],
  /**
   * Pulling one durable consumer: creating it exactly as named and filtered (a worker makes
   * its own queues' consumers on start), reading its state, taking and acknowledging work.
   */
  pull: (stream: string, durable: string, filter: string) => [
    `$JS.API.CONSUMER.CREATE.${stream}.${durable}`,
    `$JS.API.CONSUMER.CREATE.${stream}.${durable}.${filter}`,
    `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${durable}`,
    `$JS.API.CONSUMER.INFO.${stream}.${durable}`,
    `$JS.API.CONSUMER.MSG.NEXT.${stream}.${durable}`,
    `$JS.ACK.${stream}.${durable}.>`,
  ],
};

/** Key-value and object buckets are streams with subjects of their own. */
const bucket = {
  kvRead: (name: string) => js.read(`KV_${name}`),
  kvWrite: (name: string) => [...js.read(`KV_${name}`), `$KV.${name}.>`],
  objRead: (name: string) => js.read(`OBJ_${name}`),
  objWrite: (name: string) => [...js.read(`OBJ_${name}`), `$O.${name}.>`],
};

/** What every service does: say it is alive, publish its load, record its failures. */
function vitals(names: Subjects, role: Role): string[] {
  return [names.heartbeat(role, '*'), names.metrics(role, '*'), names.errors(), '$JS.API.INFO'];
}

/** Streams whose existence a service checks on start (it never changes them). */
function allStreamInfo(names: Subjects): string[] {
  const streams = Object.values(names.streams);
  const buckets = Object.values(names.buckets);
  return [
    ...streams.flatMap(js.info),
    ...buckets.flatMap((name) => [
      `$JS.API.STREAM.INFO.KV_${name}`,
      `$JS.API.STREAM.INFO.OBJ_${name}`,
    ]),
  ];
}

/** Reading what workflows did: their events, streamed items, stored results, errors. */
function readWorkflows(names: Subjects): string[] {
  const s = names.streams;
  return [
    ...js.read(s.events),
    ...js.read(s.data),
    ...js.read(s.errors),
    ...js.read(s.metrics),
    ...bucket.kvRead(names.buckets.workflows),
    ...bucket.objRead(names.buckets.results),
    ...bucket.objRead(names.buckets.payloads),
  ];
}

/**
 * Dead letters live in the errors stream: retrying one puts its task back on its queue
 * and deletes the letter; discarding deletes it.
 */
function operateDeadLetters(names: Subjects): string[] {
  return [names.allTasks(), `$JS.API.STREAM.MSG.DELETE.${names.streams.errors}`];
}

function commands(
  names: Subjects,
  ...which: Array<'workflow.submit' | 'workflow.cancel' | 'task.call' | 'task.report'>
) {
  return which.map((name) => `${names.prefix}.cmd.*.${name}`);
}

/**
 * The subjects each role may use — least privilege, derived from the one subject builder,
 * so a prefix (a tenant) gets credentials that reach its own streams only. The table in
 * docs/architecture.md says the same in words. `tools` are the tools a worker role runs
 * (ignored for the other roles).
 *
 * - Only the orchestrator appends to a workflow's log (`evt`), creates and changes
 *   streams and buckets, and reads the command bus.
 * - A worker pulls its own tools' queues (creating exactly those consumers), sends
 *   `task.report` commands, streams items, keeps results and reused tool results; it
 *   cannot submit or cancel workflows, read another tool's queue, or administer a stream.
 * - A client submits, cancels and calls, reads events, results and items, and operates
 *   dead letters; it never reports.
 */
export function permissionsFor(
  role: Role,
  names: Subjects,
  tools: readonly string[] = [],
): RolePermissions {
  const p = names.prefix;
  const inbox = inboxPrefix(role);
  const replies = `${inbox}.>`;
  const base = { inboxPrefix: inbox };
  switch (role) {
    case 'orchestrator':
      return {
        ...base,
        publish: [
          `${p}.evt.>`,
          `${p}.task.>`,
          `${p}.cmd.>`,
          `${p}.data.>`,
          `${p}.dlq.>`,
          names.broadcast(),
          names.rpc('orchestrator', '>'),
          ...vitals(names, role),
          ...Object.values(names.streams).flatMap(js.admin),
          ...Object.values(names.buckets).flatMap((name) => [
            ...js.admin(`KV_${name}`),
            ...js.admin(`OBJ_${name}`),
            `$KV.${name}.>`,
            `$O.${name}.>`,
          ]),
          '$JS.API.STREAM.NAMES',
          '$JS.API.STREAM.LIST',
        ],
        subscribe: [replies, names.rpc('orchestrator', '>'), names.broadcast()],
        responds: true,
      };
    case 'codebase-worker':
    case 'bash-worker':
    case 'web-worker':
    case 'agent-worker':
      return {
        ...base,
        publish: [
          ...tools.flatMap((tool) =>
            PRIORITIES.flatMap((priority) =>
              js.pull(
                names.streams.tasks,
                names.taskDurable(tool, priority),
                names.task(tool, priority),
              ),
            ),
          ),
          ...tools.map((tool) => names.deadLetter(tool)),
          ...commands(names, 'task.report'),
          names.allData(),
          names.rpc('monitor', 'limits'),
          ...vitals(names, role),
          ...allStreamInfo(names),
          ...bucket.kvWrite(names.buckets.toolCache),
          ...bucket.objWrite(names.buckets.results),
          ...bucket.objRead(names.buckets.payloads),
        ],
        subscribe: [replies, names.broadcast()],
        responds: false,
      };
    case 'monitor':
      return {
        ...base,
        publish: [
          names.broadcast(),
          ...vitals(names, role),
          ...allStreamInfo(names),
          ...js.read(names.streams.metrics),
          `$JS.API.CONSUMER.INFO.${names.streams.tasks}.*`,
        ],
        subscribe: [replies, names.heartbeats(), names.rpc('monitor', '>')],
        responds: true,
      };
    case 'gateway':
      return {
        ...base,
        publish: [
          ...commands(names, 'workflow.cancel'),
          names.rpc('monitor', 'resources'),
          ...operateDeadLetters(names),
          ...readWorkflows(names),
          ...vitals(names, role),
        ],
        subscribe: [replies],
        responds: false,
      };
    case 'client':
      return {
        ...base,
        publish: [
          ...commands(names, 'workflow.submit', 'workflow.cancel', 'task.call'),
          names.rpc('monitor', 'resources'),
          ...operateDeadLetters(names),
          ...readWorkflows(names),
          '$JS.API.INFO',
          `$JS.API.CONSUMER.INFO.${names.streams.tasks}.*`,
        ],
        subscribe: [replies],
        responds: false,
      };
  }
}
