import { declareCommand } from '../declare';
import { CONNECTION } from '../shared';

export const declaration = declareCommand({
  usage: 'auth init --out <dir>',
  description:
    'Credentials for a secured bus: the nats-server config, and per role (orchestrator, each worker, monitor, gateway, client) <role>.creds and <role>.env with the NATS_* variables its process needs, each role allowed only the subjects it uses.',
  actions: { init: 'write the setup into --out; refused where one already is' },
  options: {
    out: { type: 'string', value: 'dir', description: 'where the files go (required)' },
    prefix: CONNECTION.prefix,
  },
});
