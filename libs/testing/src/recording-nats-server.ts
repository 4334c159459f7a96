import { existsSync } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findNatsServer } from '@fanout/nats-server';

/**
 * The real nats-server behind a script that leaves a mark each time it is started: what
 * shows whether a command got as far as embedding a Fanout. Give a command `env` and ask
 * `started()` after it.
 */
export async function recordingNatsServer(dir: string, name: string) {
  const real = findNatsServer();
  if (!real) throw new Error('these tests embed a nats-server: install one (see README)');
  const bin = join(dir, `${name}-nats-server`);
  const mark = join(dir, `${name}-nats-server-started`);
  await writeFile(bin, `#!/bin/sh\necho "$$" >> '${mark}'\nexec '${real}' "$@"\n`);
  await chmod(bin, 0o755);
  return {
    env: { NATS_SERVER_BIN: bin },
    started: () => existsSync(mark),
  };
}
