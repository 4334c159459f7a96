/**
 * Writes docs/asyncapi.yaml and docs/schemas/<Name>.json from libs/contracts.
 * Run with `npm run contracts:generate` after changing a schema; a test fails while the
 * committed documents differ from what this would write.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderDocs } from '../src/docs/render';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');
const docs = renderDocs();
const schemasDir = join(workspaceRoot, 'docs', 'schemas');
mkdirSync(schemasDir, { recursive: true });
for (const file of readdirSync(schemasDir)) rmSync(join(schemasDir, file));
for (const [file, text] of Object.entries(docs.files)) {
  writeFileSync(join(workspaceRoot, file), text);
}
console.log(`wrote ${Object.keys(docs.files).length} files under docs/`);
