import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DashboardAssets } from './dashboard-assets';

/**
 * Bundles the browser app (preact, dagre and our code, minified) from `sourceDir`. The
 * same options serve the in-memory build and `scripts/build.mjs`.
 */
export async function buildDashboard(sourceDir: string): Promise<DashboardAssets> {
  const { build } = await import('esbuild');
  const result = await build({ ...DASHBOARD_BUILD, entryPoints: [join(sourceDir, 'main.tsx')] });
  const script = result.outputFiles?.[0]?.text;
  if (script === undefined) throw new Error('the dashboard bundle came out empty');
  return { script, style: readFileSync(join(sourceDir, 'app.css'), 'utf8') };
}

/** esbuild's options for the app: one minified browser script, nothing fetched at run time. */
export const DASHBOARD_BUILD = {
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
} as const;
