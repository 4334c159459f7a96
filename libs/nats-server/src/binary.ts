import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where distributions put nats-server when it is not on a test runner's PATH (Debian: /usr/sbin). */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/bin', '/usr/bin'];

/**
 * The nats-server binary this machine can run, or `undefined`. Exported so that tests which
 * need processes of their own (clusters, crashes) can skip with a reason instead of failing
 * on machines that only offer NATS_URL or Docker. `NATS_SERVER_BIN` wins when set, so a
 * developer can pin a version without touching PATH.
 */
export function findNatsServer(): string | undefined {
  const pinned = process.env['NATS_SERVER_BIN'];
  if (pinned) return isExecutable(pinned) ? pinned : undefined;
  const name = process.platform === 'win32' ? 'nats-server.exe' : 'nats-server';
  const dirs = [...(process.env['PATH'] ?? '').split(delimiter), ...EXTRA_DIRS];
  return dirs
    .filter(Boolean)
    .map((dir) => join(dir, name))
    .find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
