import { declareCommand } from '../declare';
import { STRICT, SUBMIT_AND_FOLLOW } from '../shared';

const OPTIONS = {
  json: {
    type: 'boolean',
    description: 'one JSON document {summary, results} on stdout, nothing else',
  },
  out: { type: 'string', value: 'file', description: 'also write that document to a file' },
  verbose: {
    type: 'boolean',
    description: 'end with every task in a table, not only the counts, failures and slowest',
  },
  ...STRICT,
  ...SUBMIT_AND_FOLLOW,
} as const;

export const declaration = declareCommand({
  usage: 'run <file>',
  description:
    'Submits a workflow, shows its progress (live on a terminal, plain lines otherwise), then a summary: counts per phase and tool, every failure, the slowest tasks. With --nats, $NATS_URL or a running fanout dev it uses those services; without, it brings its own (a nats-server and every service in this process). Exit 0 succeeded (or degraded without --strict), 1 failed, 2 invalid.',
  options: OPTIONS,
});
