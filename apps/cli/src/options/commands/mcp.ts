import { declareCommand } from '../declare';
import { CONNECTION, SECURE, UI } from '../shared';

const OPTIONS = {
  http: {
    type: 'integer',
    value: 'port',
    min: 0,
    max: 65_535,
    description: 'serve Streamable HTTP at /mcp on this port instead of stdio (0: any port)',
  },
  host: {
    type: 'string',
    value: 'addr',
    description: 'with --http, listen there (default 127.0.0.1)',
  },
  token: {
    type: 'string',
    value: 't',
    description:
      'with --http, every request needs "Authorization: Bearer <t>"; 16 characters or more (or set $FANOUT_MCP_TOKEN)',
  },
  'max-result-chars': {
    type: 'integer',
    value: 'n',
    min: 1_000,
    max: 100_000_000,
    // About what a client shows a model of one tool result before it cuts it itself.
    default: 100_000,
    description: 'cut a larger result, linking to the whole',
  },
  ...UI,
  ...SECURE,
  ...CONNECTION,
} as const;

export const declaration = declareCommand({
  usage: 'mcp',
  description:
    "Serves Fanout's tools to MCP clients (coding agents, IDEs) over stdio, or Streamable HTTP with --http. It works on the services at --nats, $NATS_URL or a running fanout dev, else on its own embedded Fanout that lives as long as it does.",
  options: OPTIONS,
});
