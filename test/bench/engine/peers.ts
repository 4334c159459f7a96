import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect as connectTcp } from 'node:net';
import { connectNats, natsConfigFromEnv } from '@fanout/messaging';

/** Messages in flight at once on the raw path: the engine's default concurrency. */
const WINDOW = 256;

/**
 * The floor under any engine on JetStream: `count` messages published (each awaiting its
 * ack, `WINDOW` in flight), consumed by one pull consumer and acked — one message per task
 * and nothing else, where a Fanout task also has its dispatch, report and events. Messages
 * per second, publish of the first to ack of the last.
 */
export async function rawJetStreamRate(natsUrl: string, count: number): Promise<number> {
  const connection = await connectNats(natsConfigFromEnv({ NATS_URL: natsUrl }));
  try {
    const jsm = await jetstreamManager(connection);
    await jsm.streams.add({ name: 'BENCH_RAW', subjects: ['bench.raw'], retention: 'workqueue' });
    await jsm.consumers.add('BENCH_RAW', { durable_name: 'raw', ack_policy: 'explicit' });
    const js = jetstream(connection);
    const consumer = await js.consumers.get('BENCH_RAW', 'raw');
    const started = performance.now();
    const consumed = (async () => {
      const messages = await consumer.consume({ max_messages: WINDOW });
      let seen = 0;
      for await (const message of messages) {
        message.ack();
        if (++seen === count) break;
      }
    })();
    let next = 0;
    const publisher = async () => {
      while (next < count) {
        const n = next++;
        await js.publish('bench.raw', JSON.stringify({ n }));
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, publisher));
    await consumed;
    const seconds = (performance.now() - started) / 1000;
    await jsm.streams.delete('BENCH_RAW');
    return count / seconds;
  } finally {
    await connection.close();
  }
}

/** Whether something answers on a TCP port of this machine, within a second. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: '127.0.0.1', port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The peer a Node user would pick instead: BullMQ on the machine's Redis, `count` no-op jobs
 * added in bulk and worked at `concurrency`, jobs per second from the first add to the last
 * completion. Undefined, with the reason, when no Redis answers on 127.0.0.1:6379.
 */
export async function bullmqRate(
  count: number,
  concurrency: number,
): Promise<{ rate?: number; note?: string }> {
  if (!(await answers(6379))) return { note: 'no Redis on 127.0.0.1:6379: BullMQ not measured' };
  const { Queue, Worker } = await import('bullmq');
  const connection = { host: '127.0.0.1', port: 6379 };
  const name = `fanout-bench-${Date.now()}`;
  const queue = new Queue(name, { connection });
  const worker = new Worker(name, async () => ({}), { connection, concurrency });
  await worker.waitUntilReady();
  let completed = 0;
  const allDone = new Promise<void>((resolve) => {
    worker.on('completed', () => {
      if (++completed === count) resolve();
    });
  });
  try {
    const started = performance.now();
    const jobs = Array.from({ length: count }, (_, i) => ({ name: 'noop', data: { i } }));
    for (let i = 0; i < jobs.length; i += 1_000) await queue.addBulk(jobs.slice(i, i + 1_000));
    await allDone;
    return { rate: count / ((performance.now() - started) / 1000) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}
