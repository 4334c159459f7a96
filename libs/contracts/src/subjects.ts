import type { Priority } from './ids';

/** Channels of the event stream; each workflow event belongs to exactly one. */
export type EventTopic = 'progress' | 'errors' | 'results' | 'metrics';

/** The commands that travel on the command bus; the name is also the subject's tail. */
export type CommandName = 'workflow.submit' | 'workflow.cancel' | 'task.call' | 'task.report';

/** Default root of every subject, stream and bucket name. */
export const DEFAULT_PREFIX = 'fanout';

const PREFIX = /^[a-z0-9_-]+(\.[a-z0-9_-]+)*$/;

/**
 * Forms every subject, stream and bucket name from one configurable prefix, so that two
 * installations (or tenants) can share a NATS deployment without seeing each other, and
 * so that no other file in the project spells a subject by hand.
 */
export function subjects(prefix: string = DEFAULT_PREFIX) {
  if (!PREFIX.test(prefix)) {
    throw new Error(
      `invalid subject prefix "${prefix}": use lower-case dot-separated tokens of letters, digits, "_" and "-"`,
    );
  }
  const p = prefix;
  const upper = prefix.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const lower = prefix.replace(/[^a-z0-9]/g, '_');
  return {
    prefix,
    /** `fanout.cmd.p<0-4>.<command>`: the command bus (work queue, dedup by command id). */
    command: (name: CommandName, priority: Priority) => `${p}.cmd.p${priority}.${name}`,
    /** All commands, or those of one priority. */
    commands: (priority?: Priority) =>
      priority === undefined ? `${p}.cmd.>` : `${p}.cmd.p${priority}.>`,
    /**
     * The subjects of the stream that keeps each command: workers' `task.report`s have a
     * stream of their own, so a bus filled by user commands never refuses a report.
     */
    commandStreamSubjects: (stream: 'commands' | 'reports') =>
      stream === 'reports'
        ? [`${p}.cmd.*.task.report`]
        : [`${p}.cmd.*.workflow.>`, `${p}.cmd.*.task.call`],
    /** The stream that keeps a command of this name. */
    commandStream: (name: CommandName) =>
      name === 'task.report' ? `${upper}_REPORTS` : `${upper}_CMD`,
    /** `fanout.task.<tool>.p<0-4>`: one work queue per tool and priority. */
    task: (tool: string, priority: Priority) => `${p}.task.${tool}.p${priority}`,
    /**
     * The durable consumer every worker of a tool shares at one priority, e.g.
     * `task_code_glob_p0`: durable names cannot hold the dots of a tool name.
     */
    taskDurable: (tool: string, priority: Priority) =>
      `task_${tool.replace(/[^A-Za-z0-9_-]/g, '_')}_p${priority}`,
    /** Every task queue of every tool: the subjects of the tasks stream. */
    allTasks: () => `${p}.task.>`,
    /** Every priority of one tool's queue (what that tool's consumer filters on). */
    tasks: (tool: string) => `${p}.task.${tool}.*`,
    /** `fanout.evt.<workflowId>.<topic>.<type>`: the workflow's event log. */
    event: (workflowId: string, topic: EventTopic, type: string) =>
      `${p}.evt.${workflowId}.${topic}.${type}`,
    /** Every event of every workflow: the subjects of the event stream. */
    allEvents: () => `${p}.evt.>`,
    /** Events of one workflow and/or one topic; `*` where a part is left out. */
    events: (filter: { workflowId?: string; topic?: EventTopic } = {}) =>
      `${p}.evt.${filter.workflowId ?? '*'}.${filter.topic ?? '*'}.*`,
    /** `fanout.data.<workflowId>.<taskId>`: streamed partial results of one task. */
    data: (workflowId: string, taskId: string) => `${p}.data.${workflowId}.${taskId}`,
    /** Partial results of every task of one workflow. */
    dataOf: (workflowId: string) => `${p}.data.${workflowId}.>`,
    /** Every data stream of every workflow: the subjects of the data stream. */
    allData: () => `${p}.data.>`,
    /** `fanout.err.<service>.<kind>`: every failure, with its cause chain. */
    error: (service: string, kind: string) => `${p}.err.${service}.${kind}`,
    errors: () => `${p}.err.>`,
    /** `fanout.dlq.<tool>`: tasks that exhausted their deliveries. */
    deadLetter: (tool: string) => `${p}.dlq.${tool}`,
    deadLetters: () => `${p}.dlq.>`,
    /** `fanout.metrics.<service>.<instance>`: load snapshots every few seconds. */
    metrics: (service: string, instance: string) => `${p}.metrics.${service}.${instance}`,
    allMetrics: () => `${p}.metrics.>`,
    /** `fanout.ctl.heartbeat.<service>.<instance>`: liveness of each process. */
    heartbeat: (service: string, instance: string) => `${p}.ctl.heartbeat.${service}.${instance}`,
    heartbeats: () => `${p}.ctl.heartbeat.>`,
    /** Global state changes every process hears: drain, pause, limits. */
    broadcast: () => `${p}.ctl.broadcast`,
    /** `fanout.rpc.<service>.<method>`: request-response between services. */
    rpc: (service: string, method: string) => `${p}.rpc.${service}.${method}`,
    /** JetStream stream names, e.g. `FANOUT_CMD`. */
    streams: {
      commands: `${upper}_CMD`,
      reports: `${upper}_REPORTS`,
      tasks: `${upper}_TASKS`,
      events: `${upper}_EVENTS`,
      data: `${upper}_DATA`,
      errors: `${upper}_ERRORS`,
      metrics: `${upper}_METRICS`,
    },
    /** KV and Object Store bucket names, e.g. `fanout_workflows`. */
    buckets: {
      workflows: `${lower}_workflows`,
      leases: `${lower}_leases`,
      results: `${lower}_results`,
      payloads: `${lower}_payloads`,
      toolCache: `${lower}_tool_cache`,
    },
  };
}

/** The subject and name builder for one prefix. */
export type Subjects = ReturnType<typeof subjects>;
