import type { connectNats, PriorityConsumer } from '@fanout/messaging';

/**
 * The process's NATS connection, typed through `@fanout/messaging` so that this library
 * never imports the NATS client itself (only messaging may: docs/architecture.md).
 */
export type Connection = Awaited<ReturnType<typeof connectNats>>;

/**
 * A task message as a {@link PriorityConsumer} hands it to its handler: the handler must
 * ack, nak or term it, and the consumer keeps it alive with `working()` meanwhile.
 */
export type TaskMessage = Parameters<Parameters<PriorityConsumer['start']>[0]>[0];
