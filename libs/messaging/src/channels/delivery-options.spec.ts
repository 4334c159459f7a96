import { describe, expect, it } from 'vitest';
import { DELIVERY_DEFAULTS, deliveryProblems, resolveDelivery } from './delivery-options';

describe('delivery options', () => {
  it("are the design's defaults when nothing is said", () => {
    expect(DELIVERY_DEFAULTS).toEqual({
      ackWaitMs: 15_000,
      heartbeatMs: 5_000,
      maxDeliver: 5,
      backoffMs: [1_000, 5_000, 15_000],
    });
    expect(resolveDelivery({ maxDeliver: 2 }, 'here')).toEqual({
      ...DELIVERY_DEFAULTS,
      maxDeliver: 2,
    });
  });

  it('name each bad field with its value', () => {
    expect(deliveryProblems({ maxDeliver: 0, backoffMs: [] })).toEqual([
      'maxDeliver Too small: expected number to be >=1, got 0',
      'backoffMs Too small: expected array to have >=1 items, got []',
    ]);
  });

  it('refuse a heartbeat that is not below the ack wait, saying where', () => {
    expect(() => resolveDelivery({ heartbeatMs: 20_000 }, 'consumer of T')).toThrow(
      'consumer of T: heartbeatMs (20000) must be below ackWaitMs (15000), or held messages would be redelivered',
    );
  });
});
