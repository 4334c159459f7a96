import { runService } from '@fanout/services/run';

/**
 * One orchestrator process, as its container runs it (see `runService`): configured from the
 * environment (`NATS_URL`, `FANOUT_SUBJECT_PREFIX`, …), drained on SIGTERM. It imports the
 * services' runner alone, not the whole library: the workers' tools and the gateway are
 * never loaded here.
 */
if (import.meta.main) await runService('orchestrator');
