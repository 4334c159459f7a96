import type { TaskEnvelope } from '@fanout/contracts';
import { describe, expect, it } from 'vitest';
import type { TaskMessage } from '../transport-types';
import { intercept, type AttemptCall, type AttemptInterceptor } from './attempt-interceptor';

const call = {
  tool: 'noop',
  message: {} as TaskMessage,
  envelope: {} as TaskEnvelope,
} satisfies AttemptCall;

describe('intercept', () => {
  it('runs the interceptors around the attempt, the first outermost, each seeing what the inner ones returned', async () => {
    const seen: string[] = [];
    const named =
      (name: string): AttemptInterceptor =>
      async (_call, next) => {
        seen.push(`${name} before`);
        const end = await next();
        seen.push(`${name} after ${end.disposition}`);
        return end;
      };
    const end = await intercept([named('outer'), named('inner')], call, async () => {
      seen.push('attempt');
      return { disposition: 'acked' };
    });
    expect(end).toEqual({ disposition: 'acked' });
    expect(seen).toEqual([
      'outer before',
      'inner before',
      'attempt',
      'inner after acked',
      'outer after acked',
    ]);
  });

  it('lets an interceptor answer without running the rest', async () => {
    let ran = false;
    const end = await intercept([async () => ({ disposition: 'returned' })], call, async () => {
      ran = true;
      return { disposition: 'acked' };
    });
    expect(end.disposition).toBe('returned');
    expect(ran).toBe(false);
  });
});
