import { Logger } from '@nestjs/common';
import type { WorkerLogger } from '../worker-options';

/** The worker's log lines through Nest's logger, so an app has one log, in one format. */
export function nestWorkerLogger(context: string): WorkerLogger {
  const logger = new Logger(context);
  return {
    log: (message) => logger.log(message),
    warn: (message) => logger.warn(message),
    error: (message, error) =>
      logger.error(
        error instanceof Error ? `${message}: ${error.message}` : message,
        error instanceof Error ? error.stack : undefined,
      ),
  };
}
