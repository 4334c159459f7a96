#!/usr/bin/env node
// The `fanout` command: a tiny launcher that checks the Node version, then runs the
// TypeScript entry through tsx, with the workspace's tsconfig (for the @fanout/* paths)
// wherever it is started from. Until the check has passed, this file loads nothing but
// Node's own modules and uses no syntax newer than Node 18 has, so that an older Node
// reaches the check and says what to do instead of failing inside a dependency.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

// The version needed is package.json's engines.node (">=24"), the one place that says it.
const needed = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).engines.node;
const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(needed);
if (!minimum)
  throw new Error(`engines.node in package.json must read ">=X[.Y[.Z]]", got "${needed}"`);
const older = (have, want) => {
  for (let i = 0; i < want.length; i++) {
    if ((have[i] ?? 0) !== want[i]) return (have[i] ?? 0) < want[i];
  }
  return false;
};
const version = process.versions.node.split('.').map(Number);
if (older(version, minimum[1].split('.').map(Number))) {
  process.stderr.write(
    [
      `fanout: needs Node.js ${needed}; this is Node.js ${process.version} (${process.execPath}). Either:`,
      `  - run \`npm install\` in ${root}: it puts a Node.js that fits in node_modules/.bin,`,
      '    where `npx fanout` and `npm test` find it;',
      '  - or use nvm: `nvm install && nvm use` in the repository (it reads .nvmrc).',
      '',
    ].join('\n'),
  );
  // Exit.usage (apps/cli/src/exit-codes.ts): the command cannot run as it was started.
  process.exit(2);
}

const { register } = await import('tsx/esm/api');
register({ tsconfig: join(root, 'tsconfig.json') });
await import(pathToFileURL(join(root, 'apps/cli/src/main.ts')).href);
