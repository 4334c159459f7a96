import { declareCommand } from '../declare';
import { CONNECTION, SECURE, SUBMISSION, TIMEOUT, UI } from '../shared';

const OPTIONS = {
  input: {
    type: 'string',
    value: "'<json>'|@file",
    description: "the tool's input: a JSON object, inline or in a file (default {})",
  },
  json: {
    type: 'boolean',
    description: 'one document {"tool","status","result","error"} on stdout',
  },
  ...TIMEOUT,
  priority: SUBMISSION.priority,
  ...UI,
  ...SECURE,
  ...CONNECTION,
} as const;

export const declaration = declareCommand({
  usage: 'call <tool>',
  description:
    "Runs one tool call and prints its result. The tool and its input are checked against the tool's contract before anything starts. Like run, it uses the services at --nats, $NATS_URL or a running fanout dev, else brings its own. Exit 0 succeeded, 1 failed.",
  options: OPTIONS,
});
