#!/usr/bin/env node
// The `fanout` command: a tiny launcher that runs the TypeScript entry through tsx, with
// the workspace's tsconfig (for the @fanout/* paths) wherever it is started from.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
register({ tsconfig: join(root, 'tsconfig.json') });
await import(pathToFileURL(join(root, 'apps/cli/src/main.ts')).href);
