import { declareCommand } from '../declare';
import { CONNECTION } from '../shared';

const OPTIONS = {
  json: { type: 'boolean', description: 'start and status: one JSON document of its state' },
  prefix: CONNECTION.prefix,
} as const;

export const declaration = declareCommand({
  usage: 'dev [start|status|stop]',
  description:
    'A local Fanout that stays up in the background: a nats-server with its store under $FANOUT_HOME (default ~/.fanout) and every service, one per home. run, call, ask, submit, watch, status, cancel and dlq use it when no --nats or $NATS_URL is given.',
  actions: {
    'start (the default)': 'start it, or say where it runs if it does',
    status: 'where it runs and its dashboard; exit 1 when it does not',
    stop: 'drain it and stop it',
  },
  options: OPTIONS,
});
