import type { JsMsg } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { HeldMessage } from './held-message';

function fakeMessage(calls: string[]): JsMsg {
  return {
    seq: 7,
    subject: 'x.task.noop.p0',
    ack: () => calls.push('ack'),
    nak: (ms?: number) => calls.push(`nak ${ms ?? ''}`.trim()),
    term: () => calls.push('term'),
    working: () => calls.push('working'),
    ackAck: async () => (calls.push('ackAck'), true),
  } as unknown as JsMsg;
}

describe('a held message', () => {
  it('passes the first settlement through and remembers it', () => {
    const calls: string[] = [];
    const held = new HeldMessage(fakeMessage(calls));
    expect(held.settled).toBeUndefined();
    held.nak(250);
    expect(held.settled).toBe('nak');
    expect(calls).toEqual(['nak 250']);
  });

  it('ignores a second settlement and heartbeats after settling, as the server would', async () => {
    const calls: string[] = [];
    const held = new HeldMessage(fakeMessage(calls));
    held.working();
    held.ack();
    held.term();
    held.working();
    expect(await held.ackAck()).toBe(false);
    expect(held.settled).toBe('ack');
    expect(calls).toEqual(['working', 'ack']);
  });

  it('refuses next(), which would pull past the consumer, naming the message', () => {
    const held = new HeldMessage(fakeMessage([]));
    expect(() => held.next('x')).toThrow('message 7 on x.task.noop.p0: next() is not supported');
  });
});
