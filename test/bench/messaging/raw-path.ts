import { jetstream, jetstreamManager, type ConsumerMessages } from '@nats-io/jetstream';
import { createInbox, nanos, type NatsConnection } from '@nats-io/transport-node';
import { subjects, type CallTool } from '@fanout/contracts';
import { ensureTopology } from '@fanout/messaging';
import { ReplyWaiter, type RoundTripPath } from './round-trip';

/**
 * The baseline: what the transport is built on, used directly. Same stream shape (the
 * command bus of its own prefix), publish with `Nats-Msg-Id`, one durable pull consumer
 * via `consume()`, JSON parse, reply, ack: the least any command handler must do.
 */
export async function rawPath(
  service: NatsConnection,
  publisher: NatsConnection,
  command: (n: number) => CallTool,
): Promise<RoundTripPath> {
  const names = subjects('benchraw');
  await ensureTopology(service, { prefix: names.prefix });
  const subject = names.command('task.call', 2);
  const jsm = await jetstreamManager(service);
  await jsm.consumers.add(names.streams.commands, {
    durable_name: 'raw',
    filter_subject: subject,
    ack_policy: 'explicit',
    ack_wait: nanos(15_000),
  });
  const inbox = createInbox();
  const replies = new ReplyWaiter();
  const subscription = publisher.subscribe(inbox, {
    callback: (_error, message) => replies.arrived(message.string()),
  });
  const consumer = await jetstream(service).consumers.get(names.streams.commands, 'raw');
  const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });
  void (async () => {
    for await (const message of messages) {
      const received = JSON.parse(message.string()) as CallTool;
      service.publish(inbox, received.commandId);
      message.ack();
    }
  })();
  const js = jetstream(publisher);

  return {
    name: 'raw jetstream',
    async roundTrip(n) {
      const sent = command(n);
      const reply = replies.expect(sent.commandId);
      await js.publish(subject, JSON.stringify(sent), { msgID: sent.commandId });
      await reply;
    },
    async close() {
      await messages.close();
      subscription.unsubscribe();
    },
  };
}
