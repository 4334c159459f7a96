import { z } from 'zod';
import { named } from './registry';

/**
 * Where a payload too large for one message was put instead of inline: an entry of a
 * JetStream Object Store bucket (`fanout_results` for task results, `fanout_payloads` for
 * streamed batches). A reader fetches it by bucket and name; `size` is its length in bytes.
 */
export const PayloadRef = named(
  'PayloadRef',
  'A payload too large for one message, stored in the Object Store.',
  z.object({ bucket: z.string(), name: z.string(), size: z.number().int().nonnegative() }),
);

export type PayloadRef = z.infer<typeof PayloadRef>;
