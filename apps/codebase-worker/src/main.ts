import { runService } from '@fanout/services/run';

/**
 * One codebase-worker process, as its container runs it (see `runService`): configured from the
 * environment (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`, …), drained on SIGTERM.
 */
if (import.meta.main) await runService('codebase-worker');
