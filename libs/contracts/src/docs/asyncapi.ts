import { EVENT_TYPES } from '../events';
import { DEFAULT_PREFIX } from '../subjects';
import { wireJsonSchemas, type JsonSchema } from './json-schemas';

type Doc = Record<string, unknown>;

interface ChannelSpec {
  key: string;
  address: string;
  message: string;
  description: string;
  /** What Fanout does on this channel: `receive` what clients send, `send` what they read. */
  action: 'send' | 'receive';
  parameters: string[];
  idempotent?: boolean;
  /** A channel of the event log: one event, or a decision's events of one type together. */
  log?: boolean;
  /** Its message may also come as a JSON array of several (a worker's reports). */
  batched?: boolean;
}

const PARAMETERS: Record<string, Doc> = {
  prefix: {
    default: DEFAULT_PREFIX,
    description:
      'Root of every subject (FANOUT_SUBJECT_PREFIX); lets installations share one NATS.',
  },
  priority: { enum: ['0', '1', '2', '3', '4'], default: '2', description: '0 is the most urgent.' },
  workflowId: { description: 'The workflow id: letters, digits, "_" and "-".' },
  taskId: { description: 'The task id "<phase>/<task>[/<n>]".' },
  tool: { description: 'A tool name, e.g. code.grep (its dots are part of the subject).' },
  service: { description: 'The reporting service, e.g. orchestrator.' },
  kind: { description: 'The kind of failure.' },
  instance: { description: 'One process of the service.' },
};

const COMMANDS: ChannelSpec[] = (
  [
    {
      key: 'submitWorkflow',
      name: 'workflow.submit',
      message: 'SubmitWorkflow',
      text: 'Start a workflow. Publish with JetStream (you get a PubAck) and Nats-Msg-Id = commandId.',
    },
    {
      key: 'cancelWorkflow',
      name: 'workflow.cancel',
      message: 'CancelWorkflow',
      text: 'Cancel a workflow and everything it started.',
    },
    {
      key: 'callTool',
      name: 'task.call',
      message: 'CallTool',
      text: 'One tool call, run as a single-task workflow.',
    },
    {
      key: 'reportTask',
      name: 'task.report',
      message: 'ReportTask',
      text: 'Workers report started, heartbeat, succeeded or failed. A worker sends the reports of one turn together: the body is then a JSON array of them (at least two), with Nats-Msg-Id = <first commandId>+<count>; each is handled as if it came alone.',
    },
  ] as const
).map(({ key, name, message, text }) => ({
  key,
  address: `{prefix}.cmd.p{priority}.${name}`,
  message,
  description:
    name === 'task.report'
      ? `${text} Stream FANOUT_REPORTS (work queue, 1,000,000 messages, discard new): a room of its own, so a bus full of user commands never refuses a report.`
      : `${text} Stream FANOUT_CMD (work queue, 10,000 messages, discard new: a full bus refuses the publish).`,
  action: 'receive' as const,
  parameters: ['prefix', 'priority'],
  idempotent: true,
  batched: name === 'task.report',
}));

function eventChannels(schemas: Record<string, JsonSchema>): ChannelSpec[] {
  return EVENT_TYPES.map((schema) => {
    const type = schema.shape.type.value;
    return {
      key: `event${type}`,
      address: `{prefix}.evt.{workflowId}.${schema.topic}.${type}`,
      message: type,
      description: `${String(schemas[type]?.['description'] ?? type)} Stream FANOUT_EVENTS (the workflow's event log; kept while the workflow runs and for FANOUT_EVENT_RETENTION, 1 h by default, after it ends). A decision's events travel one message per run of one type within one topic, so a message holds one event, or an array of several of this type in log order whose positions ${POSITIONS} lists; a topic's messages are in log order, and a reader of every topic puts them in order by position (the SDK does).`,
      action: 'send' as const,
      parameters: ['prefix', 'workflowId'],
      log: true,
    };
  });
}

const OTHERS: ChannelSpec[] = [
  {
    key: 'tasks',
    address: '{prefix}.task.{tool}.p{priority}',
    message: 'TaskEnvelope',
    description:
      'Work queue of each tool (stream FANOUT_TASKS); workers pull, heartbeat with working(), ack.',
    action: 'send',
    parameters: ['prefix', 'tool', 'priority'],
  },
  {
    key: 'data',
    address: '{prefix}.data.{workflowId}.{taskId}',
    message: 'DataBatch',
    description: "A task's streamed partial results, in batches (stream FANOUT_DATA).",
    action: 'send',
    parameters: ['prefix', 'workflowId', 'taskId'],
  },
  {
    key: 'errors',
    address: '{prefix}.err.{service}.{kind}',
    message: 'ErrorRecord',
    description: 'Every failure with its cause chain (stream FANOUT_ERRORS).',
    action: 'send',
    parameters: ['prefix', 'service', 'kind'],
  },
  {
    key: 'deadLetters',
    address: '{prefix}.dlq.{tool}',
    message: 'DeadLetter',
    description: 'Tasks that exhausted their deliveries (stream FANOUT_ERRORS).',
    action: 'send',
    parameters: ['prefix', 'tool'],
  },
  {
    key: 'metrics',
    address: '{prefix}.metrics.{service}.{instance}',
    message: 'LoadSnapshot',
    description: 'Load snapshots of each instance every 5 s (core NATS).',
    action: 'send',
    parameters: ['prefix', 'service', 'instance'],
  },
  {
    key: 'heartbeats',
    address: '{prefix}.ctl.heartbeat.{service}.{instance}',
    message: 'ServiceHeartbeat',
    description: 'Liveness of each process every 5 s; silent for 15 s means dead (core NATS).',
    action: 'send',
    parameters: ['prefix', 'service', 'instance'],
  },
  {
    key: 'broadcast',
    address: '{prefix}.ctl.broadcast',
    message: 'Broadcast',
    description: 'Global state every process hears (core NATS).',
    action: 'receive',
    parameters: ['prefix'],
  },
];

const POSITIONS = 'the header Fanout-Log-Positions';

const LOG_HEADERS = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': {
      type: 'string',
      description:
        '<workflowId>:<position>:<epoch>: the log position of the (first) event, and the ownership that wrote it (a later epoch replaces what an earlier one wrote from that position on).',
    },
    'Fanout-Log-Positions': {
      type: 'string',
      description:
        'On a message of several events: their log positions, ascending, as comma-separated runs `<first>` or `<first>+<step>x<count>` (e.g. `10+2x64`).',
    },
    traceparent: { type: 'string', description: 'W3C trace context (optional).' },
  },
};

const MSG_ID_HEADERS = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': { type: 'string', description: 'The commandId: JetStream drops duplicates.' },
    traceparent: { type: 'string', description: 'W3C trace context (optional).' },
  },
  required: ['Nats-Msg-Id'],
};

/** One message's worth, or several of it as a JSON array (an event log's run, a worker's reports). */
function oneOrSeveral(message: string): Doc {
  const event = { $ref: `#/components/schemas/${message}` };
  return { oneOf: [event, { type: 'array', items: event, minItems: 2 }] };
}

/**
 * Builds the AsyncAPI 3 document: every channel, the message each carries and its JSON
 * Schema. Enough for a client in any language to submit work and read results.
 */
export function buildAsyncApi(version: string): Doc {
  const schemas = wireJsonSchemas((id) => `#/components/schemas/${id}`);
  const specs = [...COMMANDS, ...eventChannels(schemas), ...OTHERS];
  const channels: Doc = {};
  const operations: Doc = {};
  const messages: Doc = {};
  for (const spec of specs) {
    const schema = schemas[spec.message] as JsonSchema | undefined;
    if (!schema) throw new Error(`no registered schema named ${spec.message}`);
    messages[spec.message] = {
      name: spec.message,
      title: spec.message,
      summary: schema['description'],
      contentType: 'application/json',
      ...(spec.idempotent ? { headers: MSG_ID_HEADERS } : {}),
      ...(spec.log ? { headers: LOG_HEADERS } : {}),
      payload:
        spec.log || spec.batched
          ? oneOrSeveral(spec.message)
          : { $ref: `#/components/schemas/${spec.message}` },
    };
    channels[spec.key] = {
      address: spec.address,
      description: spec.description,
      parameters: Object.fromEntries(
        spec.parameters.map((name) => [name, { $ref: `#/components/parameters/${name}` }]),
      ),
      messages: { [spec.message]: { $ref: `#/components/messages/${spec.message}` } },
    };
    const verb = spec.action === 'receive' ? 'receive' : 'send';
    operations[`${verb}${spec.key.charAt(0).toUpperCase()}${spec.key.slice(1)}`] = {
      action: spec.action,
      channel: { $ref: `#/channels/${spec.key}` },
      messages: [{ $ref: `#/channels/${spec.key}/messages/${spec.message}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Fanout',
      version,
      description: [
        'Fanout runs batches of tool calls in parallel as event-sourced workflows over NATS JetStream. ' +
          'Submit work on the command bus, follow it on the event stream, read streamed results on the data pipeline.',
        'References: a string in a task input may hold `${{ <phase>.<task>.<path> }}` (an earlier result, or a part of it); a task with `forEach: "${{ <phase>.<task>.<path> }}"` runs once per element of that list, each copy reading its element as `${{ item }}` (or `${{ item.<path> }}`). A string that is one reference alone becomes the value itself (a number stays a number).',
        'Large values: a result (or a resolved input) too large for one message travels as a PayloadRef (`resultRef`, `inputRef`): an entry of the Object Store bucket `fanout_results` named `<workflowId>/<taskId>/<attempt>` (`/input` for an input); read it with any Object Store client.',
        'Readiness: every service publishes a ServiceHeartbeat every 5 s with state `ready` once it takes work; `fanout up` also prints `fanout: up: <services> on <servers>` on stderr when all of them are.',
        'This document is generated from libs/contracts; do not edit it by hand.',
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: 'localhost:4222',
        protocol: 'nats',
        description: 'A NATS server with JetStream.',
      },
    },
    channels,
    operations,
    components: { schemas, messages, parameters: PARAMETERS },
  };
}
