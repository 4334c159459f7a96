import { BaseRpcContext } from '@nestjs/microservices';
import type { JsMsg } from '@nats-io/jetstream';
import type { MsgHdrs } from '@nats-io/transport-node';

/**
 * What an `@EventPattern` handler can learn about the command it holds, through
 * `@Ctx() context: JetStreamContext`: the subject, headers, how often it was delivered
 * (to act differently on a last attempt), and `working()` for a handler that wants to
 * extend its lease sooner than the transport's own heartbeat does.
 */
export class JetStreamContext extends BaseRpcContext<[JsMsg]> {
  constructor(message: JsMsg) {
    super([message]);
  }

  /** The JetStream message itself; settle it only if you know the transport will not. */
  getMessage(): JsMsg {
    return this.args[0];
  }

  /** The subject the command arrived on, e.g. `fanout.cmd.p2.task.call`. */
  getSubject(): string {
    return this.args[0].subject;
  }

  getHeaders(): MsgHdrs | undefined {
    return this.args[0].headers;
  }

  /** 1 on the first delivery; greater after a retry or a missed heartbeat. */
  getDeliveryCount(): number {
    return this.args[0].info.deliveryCount;
  }

  /** Tells the server the handler is still busy, so the ack wait starts over. */
  working(): void {
    this.args[0].working();
  }
}
