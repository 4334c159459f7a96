import type { OptionSpecs } from './declare';

/**
 * Where the services are: every command that talks to them takes these. Without either,
 * the environment decides (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`), then a running `fanout dev`.
 */
export const CONNECTION = {
  nats: {
    type: 'string',
    value: 'url',
    description:
      'NATS server(s), comma-separated (default: $NATS_URL, else a running fanout dev, else nats://127.0.0.1:4222)',
  },
  prefix: {
    type: 'string',
    value: 'prefix',
    description: 'subject prefix (default: $FANOUT_SUBJECT_PREFIX, else fanout)',
  },
} as const satisfies OptionSpecs;

/** How long a command waits for its result. */
export const TIMEOUT = {
  timeout: {
    type: 'integer',
    value: 'ms',
    min: 0,
    max: 2_147_483_647,
    description: 'how long to wait for a result, in milliseconds',
  },
} as const satisfies OptionSpecs;

/** What a submitting command submits with: its priority and, if chosen, its id. */
export const SUBMISSION = {
  priority: {
    type: 'integer',
    value: '0-4',
    min: 0,
    max: 4,
    description: 'priority of what is submitted, 0 highest (default 2)',
  },
  id: { type: 'string', value: 'id', description: 'workflow id to submit under' },
} as const satisfies OptionSpecs;

/** A degraded workflow counts as failed (exit 1). */
export const STRICT = {
  strict: { type: 'boolean', description: 'a degraded workflow counts as failed (exit 1)' },
} as const satisfies OptionSpecs;

/** `--ui`: the dashboard for as long as the command runs. */
export const UI = {
  ui: { type: 'boolean', description: 'serve the dashboard while it runs (its URL on stderr)' },
} as const satisfies OptionSpecs;

/** `--secure`: the embedded Fanout with authentication on (run, call, ask, mcp). */
export const SECURE = {
  secure: {
    type: 'boolean',
    description:
      "embedded: authentication on (a fanout auth init setup of its own, each service on its role's credentials)",
  },
} as const satisfies OptionSpecs;

/**
 * What a command that submits a workflow and follows it to its end takes (run, ask): the
 * dashboard, the embedded Fanout's authentication, the wait, the submission, the services.
 */
export const SUBMIT_AND_FOLLOW = {
  ...UI,
  ...SECURE,
  ...TIMEOUT,
  ...SUBMISSION,
  ...CONNECTION,
} as const satisfies OptionSpecs;

/** `-h, --help`: every command takes it. */
export const HELP_OPTION = {
  help: { type: 'boolean', short: 'h', description: 'this help' },
} as const satisfies OptionSpecs;
