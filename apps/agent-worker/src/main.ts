import { runService } from '@fanout/services/run';

/**
 * One agent-worker process, as its container runs it (see `runService`): it hosts the
 * agents (`agent.run` and the executors plans use), configured from the environment
 * (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`, …), drained on SIGTERM.
 */
if (import.meta.main) await runService('agent-worker');
