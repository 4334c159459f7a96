import type { NatsConnection } from '@nats-io/transport-node';
import type { Subjects } from '@fanout/contracts';
import { z } from 'zod';
import { backoffDelay, BACKOFF, sleep } from '../backoff';
import { BarrierTimeoutError, RemoteError } from '../errors';
import { call, endpoint, serve, NO_RESPONDERS } from './request-response';

const NAME = /^[A-Za-z0-9_-]+$/;

/** A barrier's name is one subject token: `<prefix>.rpc.barrier.<name>`. */
function barrierEndpoint(name: string) {
  if (!NAME.test(name)) {
    throw new Error(`barrier name "${name}" must be letters, digits, "_" and "-" only`);
  }
  return endpoint(
    'barrier',
    name,
    z.object({ participant: z.string().min(1) }),
    z.object({ arrived: z.number().int(), of: z.number().int() }),
  );
}

/**
 * Waits until every participant has arrived at the barrier `name`, or rejects after
 * `timeoutMs` with a {@link BarrierTimeoutError} naming who is missing. Arrivals are
 * requests answered by the waiter, so an arrival knows it was counted; one from a
 * participant not on the list is refused. Start the barrier before, or while, the
 * participants arrive: {@link arrive} retries until a waiter answers.
 */
export async function barrier(
  connection: NatsConnection,
  name: string,
  participants: string[],
  timeoutMs: number,
  options: { names?: Subjects } = {},
): Promise<void> {
  const point = barrierEndpoint(name);
  const expected = new Set(participants);
  const missing = new Set(participants);
  let complete!: () => void;
  const allArrived = new Promise<void>((resolve) => (complete = resolve));
  if (missing.size === 0) complete();
  const responder = await serve(
    connection,
    point,
    async ({ participant }) => {
      if (!expected.has(participant)) {
        throw Object.assign(
          new Error(
            `${participant} is not a participant of barrier ${name} (expected ${[...expected].join(', ')})`,
          ),
          { code: 'UNKNOWN_PARTICIPANT', retryable: false },
        );
      }
      missing.delete(participant);
      if (missing.size === 0) complete();
      return { arrived: expected.size - missing.size, of: expected.size };
    },
    { names: options.names, queue: null },
  );
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BarrierTimeoutError(name, [...missing], timeoutMs)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([allArrived, timedOut]);
  } finally {
    clearTimeout(timer);
    await responder.stop();
  }
}

/**
 * Arrives at the barrier `name` as `participant`; resolves once the waiter counted it.
 * While no waiter is there yet it retries, for up to `timeoutMs` (default 30 s), then
 * rejects with a `RemoteError` of code `NO_RESPONDERS`.
 */
export async function arrive(
  connection: NatsConnection,
  name: string,
  participant: string,
  options: { names?: Subjects; timeoutMs?: number } = {},
): Promise<{ arrived: number; of: number }> {
  const point = barrierEndpoint(name);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    const left = deadline - Date.now();
    try {
      return await call(
        connection,
        point,
        { participant },
        {
          names: options.names,
          timeoutMs: Math.max(1, Math.min(left, 5_000)),
        },
      );
    } catch (error) {
      const waiterMissing = error instanceof RemoteError && error.code === NO_RESPONDERS;
      if (!waiterMissing || Date.now() + 50 >= deadline) throw error;
      await sleep(backoffDelay(BACKOFF.barrier, attempt));
    }
  }
}
