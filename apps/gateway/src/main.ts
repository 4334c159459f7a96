import { runService } from '@fanout/services/run';

/**
 * One gateway process, as its container runs it (see `runService`): the dashboard and its
 * API on `FANOUT_UI_PORT` (`FANOUT_UI_HOST`, `FANOUT_UI_TOKEN`), reading NATS at `NATS_URL`.
 */
if (import.meta.main) await runService('gateway');
