import { runService } from '@fanout/services/run';

/**
 * One monitor process, as its container runs it (see `runService`): the live view of
 * every instance, failure detection and `fanout resources`, configured from the
 * environment (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`, `FANOUT_RESOURCES`, …).
 */
if (import.meta.main) await runService('monitor');
