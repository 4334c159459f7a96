import { performance } from 'node:perf_hooks';

/**
 * One way of getting a command from a publisher to a handler and the handler's answer
 * back: the bench drives the transport and raw JetStream through the same interface, so
 * the two differ only in what is being measured.
 */
export interface RoundTripPath {
  readonly name: string;
  /** Publishes command number n and resolves when its handler's reply has arrived. */
  roundTrip(n: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Correlates replies with the commands that caused them: the handler publishes the
 * command id on the path's reply inbox, and the waiting round trip resolves.
 */
export class ReplyWaiter {
  private readonly waiting = new Map<string, () => void>();

  /** Resolves when `arrived(commandId)` is called. */
  expect(commandId: string): Promise<void> {
    return new Promise((resolve) => this.waiting.set(commandId, resolve));
  }

  arrived(commandId: string): void {
    const resolve = this.waiting.get(commandId);
    if (!resolve) throw new Error(`a reply for ${commandId} arrived that nobody waits for`);
    this.waiting.delete(commandId);
    resolve();
  }
}

/**
 * Sequential round trips, alternating between the paths one at a time, so that a busy
 * moment of the machine lands on every path alike. Returns each path's samples in ms.
 */
export async function sampleLatency(
  paths: RoundTripPath[],
  count: number,
): Promise<Map<RoundTripPath, number[]>> {
  const samples = new Map(paths.map((path) => [path, [] as number[]]));
  for (let n = 0; n < count; n++) {
    for (const [path, times] of samples) {
      const started = performance.now();
      await path.roundTrip(n);
      times.push(performance.now() - started);
    }
  }
  return samples;
}

/** Round trips with up to `window` in flight: replies per second over the whole run. */
export async function measureThroughput(
  path: RoundTripPath,
  count: number,
  window: number,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: window }, async () => {
      while (next < count) await path.roundTrip(next++);
    }),
  );
  return count / ((performance.now() - started) / 1_000);
}
