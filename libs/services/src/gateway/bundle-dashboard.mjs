// The dashboard's browser app bundled by esbuild: one minified script (preact, dagre and our
// code; nothing fetched at run time) and its stylesheet. The gateway builds it in memory
// when it runs from the sources; `scripts/build.mjs` writes it to dist/dashboard/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

// The app's sources, read as files (not imported): libs/dashboard/src/app.
const APP = join(import.meta.dirname, '..', '..', '..', 'dashboard', 'src', 'app');

/** @returns {Promise<{ script: string, style: string }>} */
export async function bundleDashboard() {
  const result = await build({
    entryPoints: [join(APP, 'main.tsx')],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
  const script = result.outputFiles[0]?.text;
  if (script === undefined) throw new Error('the dashboard bundle came out empty');
  return { script, style: readFileSync(join(APP, 'app.css'), 'utf8') };
}
