import { z } from 'zod';

/**
 * How every consumer of ours is delivered to: the times and counts that decide when a
 * message a process holds is taken from it and when it is given up. One schema with the
 * design's defaults — a holder that stops heartbeating is found after 15 s, a live one says
 * `working()` every 5 s, a message is tried 5 times — for the task queues, the command bus
 * and the workers alike.
 */
export const DeliveryOptions = z
  .object({
    /** Redelivery after this long without an ack or a heartbeat (failure detection). */
    ackWaitMs: z.number().positive().default(15_000),
    /** `working()` on every held message this often, until it is settled. */
    heartbeatMs: z.number().positive().default(5_000),
    /** Deliveries before a message is dead-lettered (or, without a sink, left to the server). */
    maxDeliver: z.number().int().min(1).default(5),
    /** Nak delay after the n-th failed delivery; the last entry repeats. */
    backoffMs: z.array(z.number().min(0)).min(1).default([1_000, 5_000, 15_000]),
  })
  .refine((options) => options.heartbeatMs < options.ackWaitMs, {
    path: ['heartbeatMs'],
    message: 'must be below ackWaitMs',
  });

export type DeliveryOptions = z.output<typeof DeliveryOptions>;

/** The design's delivery defaults, for callers that state their own times beside them. */
export const DELIVERY_DEFAULTS: DeliveryOptions = DeliveryOptions.parse({});

/**
 * The problems of the delivery options in `input`, each naming its field and value; empty
 * when they are good. Callers add their own checks and say where.
 */
export function deliveryProblems(input: Partial<DeliveryOptions>): string[] {
  const parsed = DeliveryOptions.safeParse(input);
  if (parsed.success) return [];
  return parsed.error.issues.map((issue) => {
    const field = issue.path.join('.');
    const value = JSON.stringify((input as Record<string, unknown>)[String(issue.path[0])]);
    return field === 'heartbeatMs' && issue.code === 'custom'
      ? `heartbeatMs (${input.heartbeatMs}) must be below ackWaitMs (${input.ackWaitMs ?? DELIVERY_DEFAULTS.ackWaitMs}), or held messages would be redelivered`
      : `${field} ${issue.message}, got ${value}`;
  });
}

/** The delivery options with their defaults filled in; bad ones throw, named after `where`. */
export function resolveDelivery(input: Partial<DeliveryOptions>, where: string): DeliveryOptions {
  const problems = deliveryProblems(input);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
  return DeliveryOptions.parse(input);
}
