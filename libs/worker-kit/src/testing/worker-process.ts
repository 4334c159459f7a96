/**
 * A worker in a process of its own, for the specs that kill or drain a real process. It
 * hosts `noop` (sleeping as asked) and prints `ready` once it takes tasks, and
 * `running <taskId>` then `attempt <taskId>#<attempt>` when a task starts, so the spec
 * knows when to strike and which attempts ran here. SIGTERM drains
 * it with `WORKER_GRACE_MS` and exits 0.
 */
import { natsConfigFromEnv, connectNats } from '@fanout/messaging';
import { subjects, type ToolImplementation } from '@fanout/contracts';
import { noopTool } from '../noop-tool';
import { Worker } from '../worker';

const env = process.env;
const announce: ToolImplementation<'noop'> = (input, ctx) => {
  process.stdout.write(`running ${ctx.taskId}\nattempt ${ctx.taskId}#${ctx.attempt}\n`);
  return noopTool(input, ctx);
};

const connection = await connectNats(natsConfigFromEnv(env));
const worker = new Worker({
  connection,
  names: subjects(env['FANOUT_SUBJECT_PREFIX']),
  service: 'test-worker',
  instance: env['WORKER_INSTANCE'],
  tools: { noop: announce },
  pools: { noop: Number(env['WORKER_SLOTS'] ?? 2) },
  timing: {
    heartbeatMs: 200,
    ackWaitMs: Number(env['WORKER_ACK_WAIT_MS'] ?? 2_000),
    vitalsMs: 1_000,
  },
});
process.once('SIGTERM', () => {
  void worker
    .drain(Number(env['WORKER_GRACE_MS'] ?? 5_000))
    .then(() => connection.drain())
    .then(() => process.exit(0));
});
await worker.start();
process.stdout.write('ready\n');
