import { declareCommand } from '../declare';
import { CONNECTION } from '../shared';

const OPTIONS = {
  tool: { type: 'string', value: 'tool', description: "list: only this tool's dead letters" },
  json: { type: 'boolean', description: 'list: one JSON array on stdout' },
  ...CONNECTION,
} as const;

export const declaration = declareCommand({
  usage: 'dlq list|retry <seq>…|discard <seq>…',
  description:
    'The task attempts that used up their deliveries, each named by its sequence number as list prints it.',
  actions: {
    list: 'show them',
    'retry <seq>…': 'put each back on its queue as it was',
    'discard <seq>…': 'remove each for good',
  },
  options: OPTIONS,
});
