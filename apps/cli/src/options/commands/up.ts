import { declareCommand } from '../declare';
import { CONNECTION } from '../shared';

const OPTIONS = {
  only: {
    type: 'string',
    value: 'names',
    // The names themselves live in @fanout/services, too heavy to load for help.
    description:
      'services to run, comma-separated, e.g. orchestrator,codebase-worker (default: all; a wrong name gets the list)',
  },
  secure: {
    type: 'boolean',
    description:
      "a nats-server of its own with authentication on, each service on its role's credentials",
  },
  out: {
    type: 'string',
    value: 'dir',
    description: 'with --secure, where its setup and store are kept (default $FANOUT_HOME/secure)',
  },
  ...CONNECTION,
} as const;

export const declaration = declareCommand({
  usage: 'up',
  description:
    'Runs services in the foreground against --nats (else $NATS_URL, else nats://127.0.0.1:4222) until SIGTERM or SIGINT, which drains them: what a container runs. The gateway serves the dashboard on $FANOUT_UI_PORT (8480).',
  options: OPTIONS,
});
