import { declareCommand } from '../declare';
import { SUBMIT_AND_FOLLOW } from '../shared';

const OPTIONS = {
  root: { type: 'string', value: 'dir', description: 'the tree asked about (default: here)' },
  specialists: {
    type: 'string',
    value: 'names',
    description: 'some of codebase,web,ops,test (default: the master picks by the goal)',
  },
  budget: {
    type: 'string',
    value: 'tasks=500,time=5m[,concurrency=N]',
    description: 'what the whole ask may take (default tasks=500,time=5m)',
  },
  json: {
    type: 'boolean',
    description: 'one JSON document {goal, status, report, findings, tree, usage}',
  },
  out: {
    type: 'string',
    value: 'file',
    description: 'also write the report (or, with --json, that document) to a file',
  },
  ...SUBMIT_AND_FOLLOW,
} as const;

export const declaration = declareCommand({
  usage: 'ask "<goal>"',
  description:
    'The master and its specialists answer a question about a tree and the web, every citation checked. On a terminal it draws the live tree of agents, then prints the report in Markdown. Like run, it uses the services at --nats, $NATS_URL or a running fanout dev, else brings its own.',
  options: OPTIONS,
});
